"""Target and token discovery."""

from pathlib import Path

from cairn_client._config import data_dir, is_loopback, resolve_target, resolve_token


def test_target_explicit_then_environment_then_default():
    assert resolve_target("h:1", {"CAIRN_SERVER": "e:2"}) == "h:1"
    assert resolve_target(None, {"CAIRN_SERVER": "e:2"}) == "e:2"
    assert resolve_target(None, {}) == "127.0.0.1:7420"


def test_token_explicit_then_environment_then_file(tmp_path: Path):
    (tmp_path / "token").write_text("from-file\n")
    environ = {"CAIRN_DATA_DIR": str(tmp_path)}

    assert resolve_token("given", {**environ, "CAIRN_TOKEN": "env"}) == "given"
    assert resolve_token(None, {**environ, "CAIRN_TOKEN": "env"}) == "env"
    assert resolve_token(None, environ) == "from-file"
    assert resolve_token(None, {"CAIRN_DATA_DIR": str(tmp_path / "missing")}) is None


def test_data_dir_follows_xdg_then_home(tmp_path: Path):
    assert data_dir({"XDG_DATA_HOME": "/x"}) == Path("/x/cairn")
    assert data_dir({"HOME": "/home/u"}) == Path("/home/u/.local/share/cairn")
    assert data_dir({"CAIRN_DATA_DIR": "/d", "XDG_DATA_HOME": "/x"}) == Path("/d")


def test_token_file_under_xdg_data_home(tmp_path: Path):
    (tmp_path / "cairn").mkdir()
    (tmp_path / "cairn" / "token").write_text("xdg-token")

    assert resolve_token(None, {"XDG_DATA_HOME": str(tmp_path)}) == "xdg-token"


def test_loopback_detection():
    for target in ("127.0.0.1:7420", "localhost:1", "[::1]:7420", "dns:///localhost:5", "127.1.2.3:9"):
        assert is_loopback(target), target
    for target in ("example.com:443", "10.0.0.1:7420", "[2001:db8::1]:1"):
        assert not is_loopback(target), target
