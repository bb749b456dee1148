"""One package per family of generative models: lab architectures, training, sampling, pretrained backends."""
