#!/bin/bash
# A throwaway Keystone v3 (Debian's python3-keystone, no apache: its flask WSGI application under the
# stdlib's wsgiref, a SQLite database, fernet tokens) and a second RADOS Gateway of the running test
# cluster that takes Keystone tokens for Swift, for the tests of the agent's Keystone v3 auth.
#   CEPH_CONF=... scripts/keystone-test.sh start DIR   (scripts/with-ceph.sh exports CEPH_CONF)
#   scripts/keystone-test.sh stop DIR
# Everything lives in DIR, on 127.0.0.1 only. start writes DIR/keystone.env (mode 0600, VAR=value lines):
#   OS_AUTH_URL OS_USERNAME OS_PASSWORD OS_PROJECT_NAME OS_USER_DOMAIN_NAME OS_PROJECT_DOMAIN_NAME
#   OS_REGION_NAME    a project user (role member) as the openstack CLI takes it
#   KS_PROJECT_ID     its project's id: the gateway's user of that uid is the project's Swift account
#   KS_RGW_ENDPOINT   the keystone gateway; the catalog's object-store endpoint is .../swift/v1/AUTH_<project>
#   KS_SWIFT_USER KS_SWIFT_KEY   v1 auth of that same account at the cluster's own gateway (Cinder writes with it)
# The catalog also has an object-store endpoint in region RegionTwo that answers nothing, so that a client
# that ignores OS_REGION_NAME fails.
set -euo pipefail
PROG=keystone-test
die() { echo "$PROG: error: $*" >&2; exit 1; }
[ $# = 2 ] || die "usage: $0 start|stop DIR"
cmd=$1
DIR=$(mkdir -p "$2" && cd "$2" && pwd)
PIDS=$DIR/pids

stop() {
    [ -f "$PIDS" ] || return 0
    local name pid
    while read -r name pid; do
        # only a process that still runs from this DIR's files: never one that reused the PID
        if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$DIR/"; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
    done <"$PIDS"
    rm -f "$PIDS"
}

if [ "$cmd" = stop ]; then
    stop
    exit 0
fi
[ "$cmd" = start ] || die "usage: $0 start|stop DIR"
[ -n "${CEPH_CONF:-}" ] && [ -f "$CEPH_CONF" ] || die "CEPH_CONF names no cluster conf (run under scripts/with-ceph.sh)"
/usr/bin/python3 -c 'import keystone.server.wsgi' 2>/dev/null ||
    die "Keystone is not importable by /usr/bin/python3 (apt-get install python3-keystone)"
stop
trap 'rc=$?; [ $rc = 0 ] || stop; exit $rc' EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
secret() { /usr/bin/python3 -c 'import secrets; print(secrets.token_urlsafe(18))'; }
wait_port() { # wait_port PORT NAME LOG
    for _ in $(seq 300); do
        if /usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$1" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    die "$2 does not listen on $1 (see $3)"
}

KS_PORT=$(free_port)
RGW_PORT=$(free_port)
ADMIN_PW=$(secret)
USER_PW=$(secret)
AUTH_URL=http://127.0.0.1:$KS_PORT/v3
mkdir -p "$DIR/fernet-keys" "$DIR/credential-keys" "$DIR/rgw.ks" "$DIR/run"
cat >"$DIR/keystone.conf" <<EOF
[DEFAULT]
log_file = $DIR/keystone.log
[database]
connection = sqlite:///$DIR/keystone.sqlite
# Every key repository Keystone reads names a directory in DIR: the defaults are under /etc/keystone,
# which a bare machine does not have (bootstrap reads the receipts' too).
[fernet_tokens]
key_repository = $DIR/fernet-keys
[fernet_receipts]
key_repository = $DIR/fernet-keys
[jwt_tokens]
jws_public_key_repository = $DIR/jws-keys/public
jws_private_key_repository = $DIR/jws-keys/private
[credential]
key_repository = $DIR/credential-keys
[token]
provider = fernet
EOF
manage() { keystone-manage --config-file "$DIR/keystone.conf" "$@" >>"$DIR/setup.log" 2>&1 ||
    die "keystone-manage $1 failed (see $DIR/setup.log)"; }
manage db_sync
# Write-ahead logging: a request's commit waits for no other session's unfinished read ("database is locked").
/usr/bin/python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")' \
    "$DIR/keystone.sqlite"
# What keystone-manage fernet_setup and credential_setup do, with Keystone's own code, in one process:
# each of them costs seconds of imports.
chmod 700 "$DIR/fernet-keys" "$DIR/credential-keys"
/usr/bin/python3 -c '
import sys
from keystone.common import fernet_utils
for repo, group in (("fernet-keys", "fernet_tokens"), ("credential-keys", "credential")):
    fernet_utils.FernetUtils(sys.argv[1] + "/" + repo, 3, group).initialize_key_repository()
' "$DIR" >>"$DIR/setup.log" 2>&1 || die "cannot make the fernet keys (see $DIR/setup.log)"
# the admin password through the environment: a command line is readable by everyone in /proc
OS_BOOTSTRAP_PASSWORD=$ADMIN_PW manage bootstrap --bootstrap-username admin --bootstrap-project-name admin \
    --bootstrap-role-name admin --bootstrap-region-id RegionOne \
    --bootstrap-admin-url "$AUTH_URL" --bootstrap-internal-url "$AUTH_URL" --bootstrap-public-url "$AUTH_URL"

# Keystone's own WSGI application (what apache's mod_wsgi would run), one request at a time: SQLite
# ("database is locked" when threads write) and a test's few requests need no more.
# oslo.config parses sys.argv: the port comes in the environment. DIR/ is on the command line for stop.
KS_PORT=$KS_PORT OS_KEYSTONE_CONFIG_DIR=$DIR setsid /usr/bin/python3 -c '
import os, sys
from wsgiref.simple_server import WSGIServer, WSGIRequestHandler, make_server
from keystone.server import wsgi

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

sys.argv = sys.argv[:1]
make_server("127.0.0.1", int(os.environ["KS_PORT"]), wsgi.initialize_public_application(), WSGIServer,
            Quiet).serve_forever()
' "$DIR/keystone.conf" </dev/null >>"$DIR/keystone.out" 2>&1 &
echo "keystone $!" >>"$PIDS"
wait_port "$KS_PORT" keystone "$DIR/keystone.out"

# The project, its user, and the object-store service: with the admin's token, through keystoneauth1.
PROJECT_ID=$(ADMIN_PW=$ADMIN_PW USER_PW=$USER_PW /usr/bin/python3 - "$AUTH_URL" "$RGW_PORT" 2>>"$DIR/setup.log" <<'EOF'
import os, sys
from keystoneauth1 import session
from keystoneauth1.identity import v3
auth_url, rgw_port = sys.argv[1:]
s = session.Session(auth=v3.Password(auth_url=auth_url, username='admin', password=os.environ['ADMIN_PW'],
                                     project_name='admin', user_domain_id='default', project_domain_id='default'))
def post(path, key, body):
    return s.post(auth_url + path, json={key: body}).json()[key]
roles = {r['name']: r['id'] for r in s.get(auth_url + '/roles').json()['roles']}
post('/regions', 'region', {'id': 'RegionTwo'})
project = post('/projects', 'project', {'name': 'backups', 'domain_id': 'default'})
user = post('/users', 'user', {'name': 'cinder', 'domain_id': 'default', 'password': os.environ['USER_PW']})
s.put('%s/projects/%s/users/%s/roles/%s' % (auth_url, project['id'], user['id'], roles['member']))
service = post('/services', 'service', {'type': 'object-store', 'name': 'swift'})
url = 'http://127.0.0.1:' + rgw_port + '/swift/v1/AUTH_%(project_id)s'
for interface in ('public', 'internal', 'admin'):
    post('/endpoints', 'endpoint', {'service_id': service['id'], 'interface': interface, 'region_id': 'RegionOne',
                                    'url': url})
    # another region's gateway, which is not there
    post('/endpoints', 'endpoint', {'service_id': service['id'], 'interface': interface, 'region_id': 'RegionTwo',
                                    'url': 'http://127.0.0.1:9/swift/v1/AUTH_%(project_id)s'})
print(project['id'])
EOF
) || die "cannot register the project, user and object-store service (see $DIR/setup.log)"

# The project's Swift account at RGW: the user whose uid is the project id (rgw_keystone_implicit_tenants =
# false), which Keystone users of the project reach, with a v1 subuser for Cinder's writes.
json=$(radosgw-admin -c "$CEPH_CONF" user create --uid "$PROJECT_ID" --display-name "keystone project backups" \
    2>>"$DIR/setup.log") || die "radosgw-admin user create failed (see $DIR/setup.log)"
json=$(radosgw-admin -c "$CEPH_CONF" subuser create --uid "$PROJECT_ID" --subuser "$PROJECT_ID:swift" \
    --access=full --key-type=swift --gen-secret 2>>"$DIR/setup.log") ||
    die "radosgw-admin subuser create failed (see $DIR/setup.log)"
SWIFT_KEY=$(/usr/bin/python3 -c 'import json,sys; print(next(k["secret_key"] for k in json.load(sys.stdin)["swift_keys"]))' <<<"$json")

# The keystone gateway: the cluster's conf and one more section, its own key, the same pools.
ceph -c "$CEPH_CONF" --connect-timeout 30 auth get-or-create client.rgw.ks mon 'allow rw' osd 'allow rwx' \
    -o "$DIR/rgw.ks/keyring" 2>>"$DIR/setup.log" || die "cannot make client.rgw.ks's key (see $DIR/setup.log)"
cp "$CEPH_CONF" "$DIR/ceph.conf"
cat >>"$DIR/ceph.conf" <<EOF

[client.rgw.ks]
keyring = $DIR/rgw.ks/keyring
rgw_data = $DIR/rgw.ks
log_file = $DIR/rgw.ks.log
pid_file = $DIR/run/rgw.ks.pid
admin_socket = $DIR/run/rgw.ks.asok
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw_thread_pool_size = 16
rgw_enable_usage_log = false
rgw_enable_ops_log = false
rgw_keystone_url = http://127.0.0.1:$KS_PORT
rgw_keystone_api_version = 3
rgw_keystone_admin_user = admin
rgw_keystone_admin_password = $ADMIN_PW
rgw_keystone_admin_project = admin
rgw_keystone_admin_domain = Default
rgw_keystone_accepted_roles = member,admin
rgw_keystone_implicit_tenants = false
rgw_keystone_verify_ssl = false
rgw_swift_account_in_url = true
EOF
chmod 600 "$DIR/ceph.conf"
setsid radosgw -f -c "$DIR/ceph.conf" -n client.rgw.ks </dev/null >>"$DIR/rgw.ks.out" 2>&1 &
echo "rgw.ks $!" >>"$PIDS"
wait_port "$RGW_PORT" rgw.ks "$DIR/rgw.ks.log"

( umask 077
  cat >"$DIR/keystone.env" <<EOF
OS_AUTH_URL=$AUTH_URL
OS_USERNAME=cinder
OS_PASSWORD=$USER_PW
OS_PROJECT_NAME=backups
OS_USER_DOMAIN_NAME=Default
OS_PROJECT_DOMAIN_NAME=Default
OS_REGION_NAME=RegionOne
KS_PROJECT_ID=$PROJECT_ID
KS_RGW_ENDPOINT=http://127.0.0.1:$RGW_PORT
KS_SWIFT_USER=$PROJECT_ID:swift
KS_SWIFT_KEY=$SWIFT_KEY
EOF
)
echo "$PROG: keystone at $AUTH_URL, its gateway at http://127.0.0.1:$RGW_PORT" >&2
