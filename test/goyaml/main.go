// Decodes YAML with go-yaml v2 (gopkg.in/yaml.v2), the YAML 1.1 parser Flux v1
// and the Helm operator read manifests with, and prints the documents as JSON,
// so tests can check that helmflux's output means the same thing there.
//
// Usage: goyaml FILE... (each file may hold several documents); prints one
// JSON array per file, one per line, of {"kind":..., "value":...} nodes that
// keep Go's types: strings, ints, floats and bools stay distinct.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	yaml "gopkg.in/yaml.v2"
)

// typed turns a decoded value into JSON that keeps what go-yaml resolved it to.
func typed(v interface{}) interface{} {
	switch t := v.(type) {
	case nil:
		return map[string]interface{}{"null": true}
	case bool:
		return map[string]interface{}{"bool": t}
	case string:
		return map[string]interface{}{"str": t}
	case int:
		return map[string]interface{}{"int": fmt.Sprint(t)}
	case int64:
		return map[string]interface{}{"int": fmt.Sprint(t)}
	case uint64:
		return map[string]interface{}{"int": fmt.Sprint(t)}
	case float64:
		return map[string]interface{}{"float": t}
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, item := range t {
			out[i] = typed(item)
		}
		return map[string]interface{}{"seq": out}
	case map[interface{}]interface{}:
		keys := make([]string, 0, len(t))
		entries := map[string]interface{}{}
		for k, item := range t {
			ks, ok := k.(string)
			if !ok {
				// A key that is not a string (yes -> true, 1 -> int) is what helmflux must never write.
				ks = fmt.Sprintf("!nonstring %T %v", k, k)
			}
			keys = append(keys, ks)
			entries[ks] = typed(item)
		}
		sort.Strings(keys)
		pairs := make([]interface{}, 0, len(keys))
		for _, k := range keys {
			pairs = append(pairs, []interface{}{k, entries[k]})
		}
		return map[string]interface{}{"map": pairs}
	default:
		return map[string]interface{}{"unknown": fmt.Sprintf("%T %v", t, t)}
	}
}

func main() {
	for _, file := range os.Args[1:] {
		data, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		decoder := yaml.NewDecoder(bytes.NewReader(data))
		docs := []interface{}{}
		for {
			var doc interface{}
			err := decoder.Decode(&doc)
			if err == io.EOF {
				break
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
				os.Exit(1)
			}
			docs = append(docs, typed(doc))
		}
		out, _ := json.Marshal(docs)
		fmt.Println(string(out))
	}
}
