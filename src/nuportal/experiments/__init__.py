"""nuportal.experiments: published tables shipped with the package and their validated reader.

See ``nuportal/experiments/data/README.md`` for the source of every file.
"""

from nuportal.experiments.published import (
    SCHEMAS,
    ColumnSpec,
    KDARScalarSearch,
    PublishedLimitCurve,
    PublishedTable,
    TableSchema,
    kelly_machado_2021_hnl_limit,
    microboone_kdar_hps_2021,
    read_table,
)

__all__ = [
    "SCHEMAS",
    "ColumnSpec",
    "KDARScalarSearch",
    "PublishedLimitCurve",
    "PublishedTable",
    "TableSchema",
    "kelly_machado_2021_hnl_limit",
    "microboone_kdar_hps_2021",
    "read_table",
]
