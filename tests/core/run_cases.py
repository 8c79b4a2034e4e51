"""Training runs compared with torch: (id, dataset, options) for each case.

Full batch and no-shuffle mini-batches with a partial last batch (insurance:
11 rows, batch 4 -> 4 + 4 + 3), at least 100 updates each.
"""

RUN_CASES = [
    ("sgd-full-linear", "lecture-3x-plus-2", dict(model="linear", optimizer="sgd", hyper={"lr": 0.01}, epochs=150)),
    ("sgd-momentum-dampening", "lecture-3x-plus-2", dict(model="linear", optimizer="sgd", hyper={"lr": 0.005, "momentum": 0.9, "dampening": 0.3}, epochs=120)),
    ("sgd-nesterov-wd-mae", "lecture-half-x-minus-2.5", dict(model="linear", loss="mae", optimizer="sgd", hyper={"lr": 0.02, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}, epochs=120, batch_size=2)),
    ("sgd-sum-step", "lecture-2x", dict(model="linear", reduction="sum", optimizer="sgd", hyper={"lr": 0.001}, epochs=110, schedule="step", schedule_params={"step_size": 10, "gamma": 0.5})),
    ("adagrad-lrdecay", "insurance", dict(model="logistic", optimizer="adagrad", hyper={"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1, "weight_decay": 0.001}, epochs=40, batch_size=4)),
    ("rmsprop-centered-momentum", "insurance", dict(model="logistic", optimizer="rmsprop", hyper={"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.01}, epochs=40, batch_size=4)),
    ("rmsprop-plain-mse-logistic", "insurance", dict(model="logistic", loss="mse", optimizer="rmsprop", hyper={"lr": 0.01}, epochs=110)),
    ("adadelta", "lecture-3x", dict(model="linear", optimizer="adadelta", hyper={"lr": 1.0, "rho": 0.8, "weight_decay": 0.01}, epochs=40, batch_size=2)),
    ("adam-insurance-b4", "insurance", dict(model="logistic", optimizer="adam", hyper={"lr": 0.01}, epochs=40, batch_size=4)),
    ("adam-amsgrad-exp", "insurance", dict(model="logistic", optimizer="adam", hyper={"lr": 0.05, "amsgrad": True, "weight_decay": 0.01}, epochs=120, schedule="exponential", schedule_params={"gamma": 0.98})),
    ("adamw-cosine", "lecture-3x-plus-2", dict(model="linear", optimizer="adamw", hyper={"lr": 0.1, "betas": (0.8, 0.99), "weight_decay": 0.05}, epochs=50, batch_size=2, schedule="cosine", schedule_params={"T_max": 20, "eta_min": 0.001})),
    ("nadam", "insurance", dict(model="logistic", optimizer="nadam", hyper={"lr": 0.02, "weight_decay": 0.01, "momentum_decay": 0.004}, epochs=40, batch_size=4)),
]
