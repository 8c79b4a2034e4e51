"""Small Keras 3 optimizers pasted into a script where Keras's own computes another algorithm.

Each is torch.optim's update written with ``keras.ops``, so it runs on any backend.
"""

from __future__ import annotations

TORCH_SGD = '''
class TorchSGD(keras.optimizers.Optimizer):
    """torch.optim.SGD's momentum: b = μ·b + (1 − τ)·g (b = g at the first step), θ ← θ − lr·b.

    Keras's SGD keeps v = μ·v − lr·g, whose past terms keep their past learning rates,
    and has no dampening τ: the same path only with τ = 0 and a constant learning rate.
    """

    def __init__(self, learning_rate, momentum, dampening=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum, self.dampening, self.nesterov = momentum, dampening, nesterov

    def build(self, variables):
        super().build(variables)
        self.buffers = self.add_optimizer_variables(variables, "momentum_buffer")

    def update_step(self, gradient, variable, learning_rate):
        buffer = self.buffers[self._get_variable_index(variable)]
        b = ops.where(ops.equal(self.iterations, 0), gradient,
                      self.momentum * buffer + (1 - self.dampening) * gradient)
        self.assign(buffer, b)
        direction = gradient + self.momentum * b if self.nesterov else b
        self.assign_sub(variable, learning_rate * direction)
'''

TORCH_RMSPROP = '''
class TorchRMSprop(keras.optimizers.Optimizer):
    """torch.optim.RMSprop: v = α·v + (1 − α)·g², b = μ·b + g / (√v + ε), θ ← θ − lr·b.

    Keras's RMSprop puts lr·g / √(v + ε) into its momentum, whose past terms keep their
    past learning rates, and adds ε inside the root.
    """

    def __init__(self, learning_rate, alpha, momentum, epsilon, centered, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.alpha, self.momentum, self.epsilon, self.centered = alpha, momentum, epsilon, centered

    def build(self, variables):
        super().build(variables)
        self.square_avg, self.grad_avg, self.buffers = self.add_optimizer_variables(
            variables, ["square_avg", "grad_avg", "momentum_buffer"])

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        g = gradient
        v = self.alpha * self.square_avg[i] + (1 - self.alpha) * g * g
        self.assign(self.square_avg[i], v)
        if self.centered:  # the variance of the gradient instead of its second moment
            m = self.grad_avg[i] + (1 - self.alpha) * (g - self.grad_avg[i])
            self.assign(self.grad_avg[i], m)
            v = v - m * m
        b = self.momentum * self.buffers[i] + g / (ops.sqrt(v) + self.epsilon)
        self.assign(self.buffers[i], b)
        self.assign_sub(variable, learning_rate * b)
'''

TORCH_NADAM = '''
class TorchNAdam(keras.optimizers.Optimizer):
    """torch.optim.NAdam, whose momentum schedule is μ_t = β1·(1 − ½·0.96^(t·ψ)).

    Keras's Nadam fixes μ_t = β1·(1 − ½·0.96^t), which is torch's momentum_decay ψ = 1,
    not its default 0.004: a different algorithm (results differ by several percent).
    """

    def __init__(self, learning_rate, beta_1, beta_2, epsilon, momentum_decay, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.momentum_decay = momentum_decay

    def build(self, variables):
        super().build(variables)
        self.m, self.v, self.mu_product = self.add_optimizer_variables(
            variables, ["m", "v", "mu_product"], initializer=["zeros", "zeros", "ones"])

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        g, lr = gradient, learning_rate
        b1, b2, psi = self.beta_1, self.beta_2, self.momentum_decay
        t = ops.cast(self.iterations + 1, variable.dtype)
        mu = b1 * (1 - 0.5 * ops.power(0.96, t * psi))
        mu_next = b1 * (1 - 0.5 * ops.power(0.96, (t + 1) * psi))
        mu_product = self.mu_product[i] * mu
        self.assign(self.mu_product[i], mu_product)
        m = self.m[i] + (1 - b1) * (g - self.m[i])
        v = b2 * self.v[i] + (1 - b2) * g * g
        self.assign(self.m[i], m)
        self.assign(self.v[i], v)
        denom = ops.sqrt(v / (1 - ops.power(b2, t))) + self.epsilon
        self.assign_sub(variable, lr * (1 - mu) / (1 - mu_product) * g / denom
                        + lr * mu_next / (1 - mu_product * mu_next) * m / denom)
'''
