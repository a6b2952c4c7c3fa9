"""docker-compose.yml is checked for structure: no Docker engine runs in CI."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_use_official_images():
    services = _compose()["services"]
    assert services["odoo"]["image"] == "odoo:18.0"
    assert services["db"]["image"].split(":")[0] == "postgres"
    assert "db" in services["odoo"]["depends_on"]


def test_suite_is_mounted_as_extra_addons():
    odoo = _compose()["services"]["odoo"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in odoo["volumes"]}
    assert mounts["/mnt/extra-addons"] == "./addons"
    assert (ROOT / mounts["/mnt/ims/requirements.txt"]).is_file()
    assert "/mnt/extra-addons" in odoo["command"]
    assert "requirements.txt" in odoo["command"]


def test_filestore_and_database_on_named_volumes():
    compose = _compose()
    odoo_mounts = [v.split(":") for v in compose["services"]["odoo"]["volumes"]]
    named = {source for source, target, *_ in odoo_mounts if target == "/var/lib/odoo"}
    assert named and named <= set(compose["volumes"])
    db_mounts = [v.split(":")[0] for v in compose["services"]["db"]["volumes"]]
    assert set(db_mounts) <= set(compose["volumes"])


def test_ports_bound_to_loopback():
    ports = _compose()["services"]["odoo"]["ports"]
    assert "127.0.0.1:8069:8069" in ports
    env = _compose()["services"]["db"]["environment"]
    cmd = _compose()["services"]["odoo"]["command"]
    assert f"--db_user={env['POSTGRES_USER']}" in cmd
    assert f"--db_password={env['POSTGRES_PASSWORD']}" in cmd
