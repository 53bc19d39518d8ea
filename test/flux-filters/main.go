// Reads image filters as Flux v1's daemon does (pkg/policy: glob:, semver:,
// regex:, regexp:), with the same Go libraries it uses: ryanuber/go-glob,
// Masterminds semver v3 and Go's regexp. For helmflux's tests.
//
// Input (stdin): a JSON array of {"filter": "...", "tags": ["..."]}.
// Output (stdout): a JSON array of {"valid": bool, "matches": [bool]}, where
// valid says whether the library accepts the pattern (Flux matches every
// tag when it does not) and matches says which tags pass.
package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"

	semver "github.com/Masterminds/semver"
	glob "github.com/ryanuber/go-glob"
)

type request struct {
	Filter string   `json:"filter"`
	Tags   []string `json:"tags"`
}

type answer struct {
	Valid   bool   `json:"valid"`
	Matches []bool `json:"matches"`
}

func main() {
	var requests []request
	if err := json.NewDecoder(os.Stdin).Decode(&requests); err != nil {
		panic(err)
	}
	answers := make([]answer, len(requests))
	for i, r := range requests {
		a := answer{Valid: true, Matches: make([]bool, len(r.Tags))}
		switch {
		case strings.HasPrefix(r.Filter, "semver:"):
			c, err := semver.NewConstraint(strings.TrimPrefix(r.Filter, "semver:"))
			a.Valid = err == nil
			for j, tag := range r.Tags {
				// As Flux's SemverPattern: the tag first, then an invalid constraint matches every version.
				v, verr := semver.NewVersion(tag)
				a.Matches[j] = verr == nil && (err != nil || c.Check(v))
			}
		case strings.HasPrefix(r.Filter, "regexp:") || strings.HasPrefix(r.Filter, "regex:"):
			pattern := r.Filter[strings.Index(r.Filter, ":")+1:]
			re, err := regexp.Compile(pattern)
			a.Valid = err == nil
			for j, tag := range r.Tags {
				a.Matches[j] = err != nil || re.MatchString(tag)
			}
		default:
			pattern := strings.TrimPrefix(r.Filter, "glob:")
			for j, tag := range r.Tags {
				a.Matches[j] = glob.Glob(pattern, tag)
			}
		}
		answers[i] = a
	}
	if err := json.NewEncoder(os.Stdout).Encode(answers); err != nil {
		panic(err)
	}
}
