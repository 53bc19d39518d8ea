"""Rewrites a HelmRelease file the way Flux v1 does on an image update.

Flux v1's daemon edits committed manifests through its kubeyaml helper: the
file is loaded and dumped again with ruamel.yaml in round-trip mode, with
explicit_start and preserve_quotes on. This script does the same (written for
helmflux's tests, settings as kubeyaml's): it sets
spec.values.image.repository and spec.values.image.tag of the named
HelmRelease, as an auto-release of the container "chart-image" does; with
CONTAINER, the image of values.CONTAINER instead (an "image: repo:tag"
string stays a string).

usage: flux_v1_rewrite.py FILE NAME REPOSITORY TAG [CONTAINER]
"""
import sys

from ruamel.yaml import YAML


def main():
    path, name, repository, tag = sys.argv[1:5]
    container = sys.argv[5] if len(sys.argv) > 5 else 'chart-image'
    yaml = YAML()
    yaml.explicit_start = True
    yaml.preserve_quotes = True
    with open(path) as f:
        docs = list(yaml.load_all(f))
    found = False
    for doc in docs:
        if doc and doc.get('kind') == 'HelmRelease' and doc['metadata']['name'] == name:
            values = doc['spec'].setdefault('values', {})
            holder = values if container == 'chart-image' else values[container]
            if isinstance(holder.get('image'), str):
                holder['image'] = repository + ':' + tag
            else:
                image = holder.setdefault('image', {})
                image['repository'] = repository
                image['tag'] = tag
            found = True
    if not found:
        sys.exit('no HelmRelease named ' + name)
    with open(path, 'w') as f:
        yaml.dump_all(docs, f)


if __name__ == '__main__':
    main()
