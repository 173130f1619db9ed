"""The jobs panel: the queue's rows and the GPU meter."""
