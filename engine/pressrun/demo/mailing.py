"""Mail-production columns for the demo statements: a DPID per address, a
household key, the delivery channel and the country, seeded like the rest.

About 4% of accounts share an address and household with the account before
them (joint accounts), 2% are e-mail only, 1% suppressed (returned mail) and
1% go overseas."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_ADDRESS = ("address_line1", "address_line2", "locality", "state", "postcode")


def with_mail_columns(table: pa.Table, seed: int = 1) -> pa.Table:
    """The statements with dpid, household_id, channel and country added."""
    n = table.num_rows
    rng = np.random.default_rng([seed, 20261201])
    joint = rng.random(n) < 0.04
    joint[0] = False
    # A joint account takes the address of the account before it (so runs of
    # joint accounts share the first one's).
    source = np.arange(n)
    source[joint] = -1
    source = np.maximum.accumulate(np.where(source >= 0, source, -1))
    take = pa.array(source, pa.int64())
    for name in _ADDRESS:
        index = table.schema.get_field_index(name)
        table = table.set_column(index, table.schema.field(name), table.column(name).take(take))
    household = pc.binary_join_element_wise(pa.array(np.char.mod("H%07d", source)), "", "")
    dpid = pa.array(np.char.mod("%08d", 30000000 + (source * 7919) % 60000000))
    channel = np.full(n, "print", object)
    draw = rng.random(n)
    channel[draw < 0.03] = "email"
    channel[draw < 0.01] = "suppress"
    country = np.full(n, "AU", object)
    country[(rng.random(n) < 0.01) & ~joint] = "NZ"
    country = country[source]
    table = table.append_column("dpid", dpid)
    table = table.append_column("household_id", household)
    table = table.append_column("channel", pa.array(channel.tolist(), pa.string()))
    return table.append_column("country", pa.array(country.tolist(), pa.string()))
