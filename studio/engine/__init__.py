"""Generation: requests, the job queue, the GPU worker process, models and backends. No Qt."""
