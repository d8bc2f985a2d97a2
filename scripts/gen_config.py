#!/usr/bin/env python3
"""Writes a Kometa config of about SIZE megabytes: many libraries with
collection files, overlays and operations, then a trakt block.

With --kometa, the same config as Kometa 2.4.4 saves it after a renewal
(ruamel.yaml round trip, indent 2/2: sequences re-indented, quotes dropped
where YAML does not need them, new tokens, `pin` emptied): what `restore`
undoes. scripts/bench.py checks, on a small size, that ruamel.yaml writes
exactly this.

usage: gen_config.py SIZE_MB OUT [--kometa]
"""
import hashlib
import sys

size = float(sys.argv[1]) * 1_000_000
out = sys.argv[2]
kometa = "--kometa" in sys.argv[3:]
parts = ["## generated Kometa config for benchmarks\nlibraries:\n"]
n = 0
written = len(parts[0])
while written < size:
    # As many libraries as the config itself has, whatever the formatting.
    written += len(f"""  Movies {n}:                     # library {n}
    collection_files:
      - default: imdb
      - default: trakt
        template_variables:
          sync_mode: sync
          collection_order: "custom"
      - file: config/Movies/collection_{n}.yml
    overlay_files:
      - remove_overlays: false
      - default: ribbon
        template_variables:
          use_all: true
          position: [top, right]
    operations:
      mass_genre_update: tmdb
      mass_content_rating_update: omdb
      mass_audience_rating_update: 'mdb_tomatoesaudience'
    settings:
      asset_directory: config/assets/{n}
""")
    if kometa:
        lib = f"""  Movies {n}:                     # library {n}
    collection_files:
    - default: imdb
    - default: trakt
      template_variables:
        sync_mode: sync
        collection_order: custom
    - file: config/Movies/collection_{n}.yml
    overlay_files:
    - remove_overlays: false
    - default: ribbon
      template_variables:
        use_all: true
        position: [top, right]
    operations:
      mass_genre_update: tmdb
      mass_content_rating_update: omdb
      mass_audience_rating_update: mdb_tomatoesaudience
    settings:
      asset_directory: config/assets/{n}
"""
    else:
        lib = f"""  Movies {n}:                     # library {n}
    collection_files:
      - default: imdb
      - default: trakt
        template_variables:
          sync_mode: sync
          collection_order: "custom"
      - file: config/Movies/collection_{n}.yml
    overlay_files:
      - remove_overlays: false
      - default: ribbon
        template_variables:
          use_all: true
          position: [top, right]
    operations:
      mass_genre_update: tmdb
      mass_content_rating_update: omdb
      mass_audience_rating_update: 'mdb_tomatoesaudience'
    settings:
      asset_directory: config/assets/{n}
"""
    parts.append(lib)
    n += 1


def token(kind):
    return hashlib.sha256(f"bench:{kind}".encode()).hexdigest()


authorization = f"""    access_token: {token("access")}
    token_type: bearer
    expires_in: 86400
    refresh_token: {token("refresh")}
    scope: public
    created_at: 1796000000
""" if kometa else """    access_token: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90
    token_type: Bearer
    expires_in: 86400
    refresh_token: 0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0
    scope: public
    created_at: 1764115200
"""
parts.append("""settings:
  cache: true
  cache_expiration: 60
trakt:
  client_id: 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f
  client_secret: 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d
  pin:
  authorization:
""" + authorization)
with open(out, "w") as f:
    f.write("".join(parts))
