import pytest

from pks.data.audit import ensure_audit_table, read_audit, record_audit
from pks.data.store import Store


def test_audit_records_with_their_change_or_not_at_all(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'a.db'}")
    ensure_audit_table(store)
    with store.transaction() as conn:
        record_audit(conn, user="anna", role="unit_manager", action="upload",
                     object_type="actuals", object_id="2026-W47", node_id="U1",
                     before={"rows": 0}, after={"rows": 3})
    with pytest.raises(RuntimeError), store.transaction() as conn:
        record_audit(conn, user="bo", role="admin", action="disable",
                     object_type="user", object_id="anna")
        raise RuntimeError("the change failed")
    log = read_audit(store)
    assert list(log["user"]) == ["anna"]
    assert log.loc[0, "after_json"] == '{"rows": 3}'
    assert read_audit(store, node_ids=["U2"]).empty
    assert len(read_audit(store, node_ids=["U1"])) == 1
