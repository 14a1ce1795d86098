"""Scale-out on Dask: many ballot files into one Profile, many contests counted at once.

The same :class:`~tallyroom.ballots.Profile` and :class:`~tallyroom.count.Count` types
as everywhere else; Dask only decides where the work runs. Without a
``dask.distributed`` client the local scheduler is used (``threads`` by default:
the CSV and xlsx readers spend their time in pyarrow/calamine, which release the
GIL); with a client (``Client("tcp://scheduler:8786")``) the work goes to its workers.
"""

from .batch import CountJob, CountOutcome, count_many, read_jobs_manifest
from .parallel_read import read_ballots_parallel

__all__ = ["CountJob", "CountOutcome", "count_many", "read_ballots_parallel", "read_jobs_manifest"]
