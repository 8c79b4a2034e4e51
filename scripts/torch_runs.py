"""Reference training runs with real torch (float64), shared by the reference
script and the live tests. Imported only where torch is installed."""

from __future__ import annotations

import numpy as np
import torch

# NAdam keeps mu_product in the default dtype: float64 throughout, as gdsim.
torch.set_default_dtype(torch.float64)

TORCH_OPTIMIZERS = {
    "sgd": torch.optim.SGD, "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
    "nadam": torch.optim.NAdam,
}
TORCH_SCHEDULES = {
    "step": torch.optim.lr_scheduler.StepLR,
    "exponential": torch.optim.lr_scheduler.ExponentialLR,
    "cosine": torch.optim.lr_scheduler.CosineAnnealingLR,
}


def torch_run(X, y, model, loss, optimizer, hyper, epochs, batch_size=None,
              schedule="constant", schedule_params=None, init=None, reduction="mean"):
    """Parameters after every update, rows taken in order (DataLoader(shuffle=False))."""
    X = torch.tensor(np.asarray(X, dtype=np.float64))
    y = torch.tensor(np.asarray(y, dtype=np.float64))
    n, d = X.shape
    theta = torch.zeros(d + 1, dtype=torch.float64) if init is None else torch.tensor(init, dtype=torch.float64)
    theta.requires_grad_(True)
    opt = TORCH_OPTIMIZERS[optimizer]([theta], **{k: tuple(v) if k == "betas" else v for k, v in hyper.items()})
    sched = TORCH_SCHEDULES[schedule](opt, **(schedule_params or {})) if schedule != "constant" else None
    B = n if batch_size is None else batch_size
    out = [theta.detach().numpy().copy()]
    for _ in range(epochs):
        for start in range(0, n, B):
            Xb, yb = X[start:start + B], y[start:start + B]
            opt.zero_grad()
            z = Xb @ theta[:-1] + theta[-1]
            if loss == "bce":
                value = torch.nn.functional.binary_cross_entropy_with_logits(z, yb, reduction=reduction)
            else:
                pred = torch.sigmoid(z) if model == "logistic" else z
                fn = torch.nn.functional.mse_loss if loss == "mse" else torch.nn.functional.l1_loss
                value = fn(pred, yb, reduction=reduction)
            value.backward()
            opt.step()
            out.append(theta.detach().numpy().copy())
        if sched is not None:
            sched.step()
    return np.array(out)
