"""Qt front end of migready: views and workers over migready.checks, nothing else."""
