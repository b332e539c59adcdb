"""The spare-part store (备件库) and loaner devices (备用机): one import for both halves.

Changes live in assets/store_services.py, read queries in assets/store_selectors.py.
"""

from assets.store_selectors import (  # noqa: F401
    loans_for_ticket,
    loans_open,
    may_manage_store,
    may_read_store,
    movements_for_ticket,
    part_balances,
    part_get,
    part_ledger,
    parts_visible_to,
    restock_open,
    spare_devices,
    ticket_store_context,
    with_stock,
)
from assets.store_services import (  # noqa: F401
    bad_part_record,
    loan_lend,
    loan_return,
    restock_check,
    restock_sweep,
    stock_count_correction,
    stock_issue,
    stock_receive,
    stock_return_unused,
    stock_transfer,
    stock_write_off,
)
