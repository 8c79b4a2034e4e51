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
    """torch.optim.RMSprop: v = α·v + (1 − α)·g², a = √v + ε, θ ← θ − lr·g / a; with
    momentum μ, b = μ·b + g / a and θ ← θ − lr·b; centered, v − ḡ² for v under the root.

    Keras's RMSprop adds ε inside the root, √(v + ε), which is another step once v is
    small next to ε (vanishing gradients, as in a network), and puts lr·g / √(v + ε)
    into its momentum, whose past terms keep their past learning rates.
    """

    def __init__(self, learning_rate, alpha, momentum, epsilon, centered, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.alpha, self.momentum, self.epsilon, self.centered = alpha, momentum, epsilon, centered

    def build(self, variables):
        super().build(variables)
        self.square_avg, self.grad_avg, self.buffers = self.add_optimizer_variables(
            variables, ["square_avg", "grad_avg", "momentum_buffer"])

    @staticmethod
    def fma(a, b, c):
        """a·b + c rounded once (almost always), as torch's fused addcmul and lerp (Dekker, Knuth)."""
        def split(x):
            t = 134217729.0 * x
            hi = t - (t - x)
            return hi, x - hi
        p = a * b
        (ahi, alo), (bhi, blo) = split(a), split(b)
        e = ((ahi * bhi - p) + ahi * blo + alo * bhi) + alo * blo  # a·b = p + e exactly
        s = c + p
        z = s - c
        return s + (((c - (s - z)) + (p - z)) + e)

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        g, w = gradient, 1 - self.alpha
        v = self.alpha * self.square_avg[i] + w * g * g
        self.assign(self.square_avg[i], v)
        if self.centered:  # the variance of the gradient instead of its second moment
            m = self.grad_avg[i]
            m = self.fma(w, g - m, m) if w < 0.5 else self.fma(w - 1, g - m, g)  # torch.lerp, fused
            self.assign(self.grad_avg[i], m)
            v = self.fma(-m, m, v)
        a = ops.sqrt(v) + self.epsilon
        if self.momentum > 0:
            b = self.momentum * self.buffers[i] + g / a
            self.assign(self.buffers[i], b)
            self.assign_sub(variable, learning_rate * b)
        else:
            self.assign_sub(variable, learning_rate * g / a)
'''

TORCH_ADAGRAD = '''
class TorchAdagrad(keras.optimizers.Optimizer):
    """torch.optim.Adagrad: s = s + g² (from s = initial_accumulator_value),
    θ ← θ − lr_t·g / (√s + ε) with lr_t = lr / (1 + (t − 1)·lr_decay) at step t.

    Keras's Adagrad adds ε inside the root, √(s + ε), and has no lr_decay.
    """

    def __init__(self, learning_rate, lr_decay, initial_accumulator_value, epsilon, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.lr_decay, self.initial_accumulator_value, self.epsilon = lr_decay, initial_accumulator_value, epsilon

    def build(self, variables):
        super().build(variables)
        self.sums = self.add_optimizer_variables(
            variables, "sum", initializer=keras.initializers.Constant(self.initial_accumulator_value))

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        g = gradient
        steps_before = ops.cast(self.iterations, variable.dtype)  # torch's t − 1
        lr_t = learning_rate / (1 + steps_before * self.lr_decay)
        s = self.sums[i] + g * g
        self.assign(self.sums[i], s)
        self.assign_sub(variable, lr_t * g / (ops.sqrt(s) + self.epsilon))
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
