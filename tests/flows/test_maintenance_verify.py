"""The maintenance flow reads the whole warehouse (on Sundays, or when asked) and fails its run,
with the damage in its logs and artifact, when a data file cannot be read."""

from __future__ import annotations

from pathlib import Path

import warehouse
from kabar.server import ServerInfo


def test_maintenance_verifies_and_fails_on_damage(prefect_server: ServerInfo, tmp_path: Path) -> None:
    from flows.maintenance import maintenance

    lake = tmp_path / "kabar.ducklake"
    with warehouse.open_warehouse(lake) as con:
        con.execute(
            "INSERT INTO fetches (run_id, url, attempt) SELECT 'r', 'u' || i, 1 FROM range(5000) t(i)"
        )
    sound = maintenance(warehouse_path=str(lake), rebuild_search=False, verify=True, return_state=True)
    assert sound.is_completed(), sound
    [data_file] = lake.parent.glob("kabar.ducklake.files/main/fetches/*.parquet")
    data_file.write_bytes(data_file.read_bytes()[: data_file.stat().st_size // 2])
    damaged = maintenance(warehouse_path=str(lake), rebuild_search=False, verify=True, return_state=True)
    assert damaged.is_failed()
    assert "the warehouse is damaged: 1 file(s)" in (damaged.message or ""), damaged.message
    assert "nothing was pruned or compacted" in (damaged.message or "")
    skipped = maintenance(warehouse_path=str(lake), rebuild_search=False, verify=False, return_state=True)
    assert skipped.is_completed()  # on other days the damage is not read (the weekly check finds it)
