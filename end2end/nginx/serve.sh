#!/usr/bin/env bash
# Serves the browser tests' server through deploy/nginx/vidan.conf, as a city deploys it: TLS
# (a certificate made here, for localhost), HTTP/2, HSTS, the live totals unbuffered. Debian's
# nginx, in a folder of its own; only the ports, the names and the certificate's paths change.
#   E2E_PORT        the server behind it (3100)
#   E2E_NGINX_PORT  https (3443); E2E_NGINX_HTTP_PORT plain http, which only redirects (3080)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
upstream=${E2E_PORT:-3100}
https=${E2E_NGINX_PORT:-3443}
http=${E2E_NGINX_HTTP_PORT:-3080}
work="$root/target/e2e-nginx"
rm -rf "$work" && mkdir -p "$work/temp"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
  -keyout "$work/privkey.pem" -out "$work/fullchain.pem" 2>/dev/null

sed -e "s#server 127.0.0.1:3000;#server 127.0.0.1:$upstream;#" \
    -e "s#listen 443 ssl http2;#listen $https ssl http2;#" \
    -e "s#listen 80;#listen $http;#" \
    -e '/listen \[::\]/d' \
    -e "s#/etc/ssl/vidan/#$work/#g" \
    -e 's#vidan.example.gov.vn#localhost#g' \
    "$root/deploy/nginx/vidan.conf" > "$work/site.conf"

# Run as root (a container), the workers run as root too: they write the temp folders here.
user=""
[ "$(id -u)" -eq 0 ] && user="user root;"
cat > "$work/nginx.conf" <<CONF
$user
worker_processes 1;
pid $work/nginx.pid;
error_log stderr warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path $work/temp/body;
  proxy_temp_path $work/temp/proxy;
  fastcgi_temp_path $work/temp/fastcgi;
  uwsgi_temp_path $work/temp/uwsgi;
  scgi_temp_path $work/temp/scgi;
  include $work/site.conf;
}
CONF
# Debian installs nginx in /usr/sbin, which a user's PATH may not hold.
nginx=$(command -v nginx || echo /usr/sbin/nginx)
exec "$nginx" -p "$work" -c "$work/nginx.conf" -g 'daemon off;'
