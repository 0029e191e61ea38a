#!/bin/sh
# /usr/bin/lotbook — starts the Lotbook bundle installed in /opt/lotbook (package "lotbook").
#
# Site configuration: /etc/lotbook/lotbook.env, if present (written by the site's administrator;
# the package never ships nor removes it). One VARIABLE=value per line; # starts a comment.
# A variable already set in the caller's environment wins over the file. For example:
#   LOTBOOK_DATA_DIR=/srv/lotbook                       # the site data folder (database, logs)
#   LOTBOOK_DB=/srv/lotbook/lotbook.db                  # or another database (SQLite file)
#   LOTBOOK_DB=postgresql+psycopg://lotbook@dbhost/lotbook  (only with a PostgreSQL build)
# Keep the file readable by every user (0644) and put no password in it: use the PostgreSQL
# server's own means (~/.pgpass, peer or Kerberos authentication).
ENV_FILE=${LOTBOOK_ENV_FILE:-/etc/lotbook/lotbook.env}
if [ -r "$ENV_FILE" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line=$(printf '%s' "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//; s/^export[[:space:]]\{1,\}//')
    case $line in '' | '#'*) continue ;; esac
    key=${line%%=*}
    value=${line#*=}
    case $key in '' | [0-9]* | *[!A-Za-z0-9_]*) continue ;; esac
    case $value in
      \"*\") value=${value#\"}; value=${value%\"} ;;
      \'*\') value=${value#\'}; value=${value%\'} ;;
    esac
    if eval "[ -z \"\${$key+set}\" ]"; then
      export "$key=$value"
    fi
  done < "$ENV_FILE"
fi
exec /opt/lotbook/lotbook "$@"
