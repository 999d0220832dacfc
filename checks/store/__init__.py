"""What a review holds and how it is kept: typed records, the workspace (the only writer), atomic and hostile-safe file I/O."""
