"""Developer tooling: training, benchmarks, load tests. The product never imports it."""
