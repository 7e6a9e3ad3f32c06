"""Where the database is: a file path, or a URL (`sqlite:///path`, `postgresql+psycopg://user@host:port/db`).

A value with a scheme is a URL, never a file path, so that no folder named `postgresql+psycopg:`
is ever made. A new database file is made only in a folder that exists; only the default place
(the user's data folder) is created when missing; never under a spreadsheet's or a document's name. The command line and the window both call
`resolve_database`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from services.errors import UnreadableFileError

SERVER_SCHEMES = ("postgresql", "postgresql+psycopg", "postgres")
FILE_SCHEMES = ("sqlite", "sqlite+pysqlite")
SUPPORTED_TEXT = ("数据库文件路径（如 D:\\党建\\dangxun.sqlite3）、sqlite:///文件路径，"
                  "或 postgresql+psycopg://账号@主机:端口/库名（数据库服务器）")
# A scheme of two letters or more (a Windows drive letter is one), then ":/" (a Path collapses "//").
_SCHEME_RE = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9.\-]+(?:\+[A-Za-z0-9_.\-]+)?):/")
DEFAULT_PORT = 5432


class LocationError(UnreadableFileError):
    """The database location cannot be used (a missing folder, an unsupported or unreachable URL)."""

    exit_code = 2


@dataclass(frozen=True)
class Location:
    """A database file (`path`) or a server (`url`)."""

    path: Path | None = None
    url: str | None = None
    host: str = ""
    port: int = 0

    def __str__(self) -> str:
        return str(self.path) if self.path is not None else masked(self.url or "")


def masked(url: str) -> str:
    """The URL with its password hidden (it is said on stderr and in the window)."""
    return re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", url)


def scheme_of(value: str) -> str | None:
    m = _SCHEME_RE.match(value.strip())
    return m["scheme"].lower() if m else None


def resolve_database(value: str | Path | None, default: Path | None = None) -> Location:
    """The database named by `--db` (or DANGXUN_DB), or the default file; refused with LocationError."""
    if value is None or str(value).strip() == "":
        from services.paths import default_db_path

        path = default or default_db_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from services.files.safe_write import reason_of

            raise LocationError(f"无法建立数据文件夹 {path.parent}：{reason_of(exc)}。") from exc
        return Location(path=path)
    raw = str(value).strip()
    scheme = scheme_of(raw)
    if scheme is None:
        return file_location(Path(raw).expanduser())
    if scheme in FILE_SCHEMES:
        rest = raw.split(":", 1)[1]
        if rest.startswith("///"):
            rest = rest[3:]
        elif rest.startswith("//"):
            rest = rest[2:]
        rest = unquote(rest.split("?", 1)[0])
        if not rest or rest == ":memory:":
            raise LocationError(f"数据库地址 {raw} 没有给出文件路径：请写成 sqlite:///文件路径。")
        return file_location(Path(rest).expanduser())
    if scheme in SERVER_SCHEMES:
        return server_location(raw, scheme)
    raise LocationError(f"不支持的数据库地址 {masked(raw)}（{scheme}）。支持：{SUPPORTED_TEXT}。")


# A new database is never made under the name of a spreadsheet or a document: such a --db is almost
# always the roll (or a report) given where the database goes. An existing file is recognised instead.
DOCUMENT_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".csv", ".et", ".ett", ".pdf", ".docx", ".doc", ".wps", ".txt",
                     ".json")


def file_location(path: Path) -> Location:
    if path.is_dir():
        raise LocationError(f"{path} 是一个文件夹，不是数据库文件：请给出数据库文件名（如 {path / 'dangxun.sqlite3'}）。")
    if path.suffix.lower() in DOCUMENT_SUFFIXES and (not path.exists() or _empty(path)):
        state = "不存在" if not path.exists() else "是空文件"
        raise LocationError(f"数据库文件 {path} {state}，而且 {path.suffix} 是表格或文档文件的扩展名：没有新建数据库，"
                            "什么文件也没有创建。数据库文件名应以 .sqlite3 或 .db 结尾（或不带这类扩展名）；"
                            "要导入花名册请用 import-members。")
    if not path.parent.is_dir():
        raise LocationError(f"文件夹 {path.parent} 不存在，没有新建数据库 {path}。请检查路径是否写错。")
    return Location(path=path)


def _empty(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size == 0
    except OSError:
        return False


def server_location(url: str, scheme: str, timeout: float = 3.0) -> Location:
    """A server URL: its host must answer on its port, and the PostgreSQL driver must be there."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError as exc:
        raise LocationError(f"数据库地址 {masked(url)} 的端口不是数字。") from exc
    if not parts.path.strip("/"):
        raise LocationError(f"数据库地址 {masked(url)} 没有给出库名：请写成 postgresql+psycopg://账号@主机:端口/库名。")
    import socket  # only for a server (its import costs start-up 5 ms)

    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise LocationError(f"无法连接数据库服务器 {host}:{port}（{_network_reason(exc)}）。"
                            "请检查服务器地址、端口和网络，或改用数据库文件。") from exc
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise LocationError(f"无法连接数据库服务器（{masked(url)}）：本程序缺少 PostgreSQL 驱动 psycopg。"
                            "请安装完整版本，或改用数据库文件。") from exc
    return Location(url=_with_driver(url, scheme), host=host, port=port)


def _with_driver(url: str, scheme: str) -> str:
    """postgresql:// and postgres:// are opened with psycopg 3 (SQLAlchemy's default would be psycopg2)."""
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg" + url[len(scheme):]
    return url


def _network_reason(exc: OSError) -> str:
    import socket

    if isinstance(exc, socket.gaierror):
        return "找不到该主机"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "连接超时"
    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝，服务器没有在该端口上运行"
    return "网络不通"


def not_yet_supported(location: Location) -> LocationError:
    """The refusal for a server location while the server support is not there."""
    return LocationError(f"尚不支持数据库服务器（{location}）：本版本只能使用数据库文件。")
