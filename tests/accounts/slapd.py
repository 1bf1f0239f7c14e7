"""A real OpenLDAP server (Debian's slapd) for the directory sign-in tests.

A throwaway slapd.conf and mdb database in a temporary folder, filled offline with slapadd from
the LDIF below, served on a free loopback port and stopped at the end. The layout is a small
city's: people under ou=people, the service account the application searches with under
ou=services; anonymous users may only bind (no anonymous search), as in a real directory. It
answers ldap:// (StartTLS too) and ldaps:// with a certificate from a throwaway CA (openssl).
"""

import base64
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import ldap3

SUFFIX = "dc=city,dc=example"
PEOPLE = f"ou=people,{SUFFIX}"
SERVICE_DN = f"cn=mokuhyo,ou=services,{SUFFIX}"
SERVICE_PASSWORD = "service-secret"
# Disabled people carry employeeType: disabled; the application's filter leaves them out.
USER_FILTER = "(objectClass=inetOrgPerson)(!(employeeType=disabled))"

SCHEMAS = ["core", "cosine", "inetorgperson"]

# (uid, password, 職員番号, 姓, 名, mail, disabled)
PEOPLE_ENTRIES = [
    ("yamada", "yamada-pass", "10001", "山田", "太郎", "yamada@city.example", False),
    ("suzuki", "suzuki-pass", "10002", "鈴木", "花子", "suzuki@city.example", False),
    ("tanaka", "tanaka-pass", "10003", "田中", "一郎", "tanaka@city.example", True),
    ("sato", "sato-pass", "", "佐藤", "次郎", "sato@city.example", False),
]


def _ldif() -> str:
    blocks = [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: city\ndc: city\n",
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: ou=services,{SUFFIX}\nobjectClass: organizationalUnit\nou: services\n",
        f"dn: {SERVICE_DN}\nobjectClass: person\ncn: mokuhyo\nsn: mokuhyo\n"
        f"userPassword: {SERVICE_PASSWORD}\n",
    ]
    for uid, password, number, last, first, mail, disabled in PEOPLE_ENTRIES:
        lines = [
            f"dn: uid={uid},{PEOPLE}",
            "objectClass: inetOrgPerson",
            f"uid: {uid}",
            f"cn:: {_b64(f'{last} {first}')}",
            f"sn:: {_b64(last)}",
            f"givenName:: {_b64(first)}",
            f"displayName:: {_b64(f'{last} {first}')}",
            f"mail: {mail}",
            f"userPassword: {password}",
        ]
        if number:
            lines.append(f"employeeNumber: {number}")
        if disabled:
            lines.append("employeeType: disabled")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _certificates(folder: Path) -> None:
    """A throwaway CA (ca.pem) and the server's certificate, for the name localhost only."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("openssl is needed for the directory's TLS certificate")
    (folder / "server.ext").write_text(
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )

    def run(*args):
        # Our own arguments to the system's openssl.
        subprocess.run(  # noqa: S603
            [openssl, *args], cwd=folder, check=True, capture_output=True, timeout=60
        )

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=Test City CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=localhost")  # fmt: skip
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2",
        "-extfile", "server.ext")  # fmt: skip


def _config(folder: Path) -> str:
    includes = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
    return f"""{includes}
TLSCACertificateFile {folder}/ca.pem
TLSCertificateFile {folder}/server.pem
TLSCertificateKeyFile {folder}/server.key
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args

database mdb
maxsize 16777216
suffix "{SUFFIX}"
rootdn "cn=admin,{SUFFIX}"
rootpw admin-secret
directory {folder}/db
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by anonymous auth
"""


def slapd_binary() -> str | None:
    return shutil.which("slapd") or next(
        (path for path in ["/usr/sbin/slapd"] if os.access(path, os.X_OK)), None
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Slapd:
    uri: str
    process: subprocess.Popen
    folder: Path
    port: int
    tls_port: int

    @property
    def ca_file(self) -> str:
        return str(self.folder / "ca.pem")

    def settings(self, **overrides) -> dict[str, str]:
        """LDAP_* variables as a city would set them for this directory."""
        values = {
            "LDAP_SERVER_URI": self.uri,
            "LDAP_BIND_DN": SERVICE_DN,
            "LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
            "LDAP_USER_SEARCH_BASE": PEOPLE,
            "LDAP_USERNAME_ATTR": "uid",
            "LDAP_USER_FILTER": USER_FILTER,
            "LDAP_EMPLOYEE_NUMBER_ATTR": "employeeNumber",
            "LDAP_TIMEOUT": "5",
        }
        return values | overrides

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def slapd_start(folder: Path, binary: str) -> Slapd:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "db").mkdir()
    _certificates(folder)
    config = folder / "slapd.conf"
    config.write_text(_config(folder))
    ldif = folder / "directory.ldif"
    ldif.write_text(_ldif())
    slapadd = str(Path(binary).with_name("slapadd"))
    subprocess.run(  # noqa: S603 - the system's slapadd on files we wrote
        [slapadd, "-f", str(config), "-l", str(ldif)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    port, tls_port = _free_port(), _free_port()
    uri = f"ldap://127.0.0.1:{port}"
    log = (folder / "slapd.log").open("w")
    # -d 0: stay in the foreground (so terminate() stops it) without debug output.
    process = subprocess.Popen(  # noqa: S603 - the system's slapd on our own config
        [binary, "-f", str(config), "-h", f"{uri}/ ldaps://127.0.0.1:{tls_port}/", "-d", "0"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"slapd stopped at start: {(folder / 'slapd.log').read_text()}")
        try:
            # Answers: the service account binds.
            probe = ldap3.Connection(
                ldap3.Server(uri, connect_timeout=1, get_info=ldap3.NONE),
                user=SERVICE_DN,
                password=SERVICE_PASSWORD,
                receive_timeout=2,
            )
            if probe.bind():
                probe.unbind()
                return Slapd(uri=uri, process=process, folder=folder, port=port, tls_port=tls_port)
        except ldap3.core.exceptions.LDAPException:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("slapd did not answer within 20 seconds")
