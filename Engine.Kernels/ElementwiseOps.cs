namespace ConvEngine.Kernels;

/// <summary>One-input element-wise functions; the scalar-taking ones read the call's <c>scalar</c> argument.</summary>
public enum UnaryOp
{
    /// <summary>-x</summary>
    Neg,
    /// <summary>e^x</summary>
    Exp,
    /// <summary>ln x</summary>
    Log,
    /// <summary>√x</summary>
    Sqrt,
    /// <summary>|x|</summary>
    Abs,
    /// <summary>1 / (1 + e^-x)</summary>
    Sigmoid,
    /// <summary>max(x, 0)</summary>
    Relu,
    /// <summary>tanh x</summary>
    Tanh,
    /// <summary>x + scalar</summary>
    AddScalar,
    /// <summary>x · scalar</summary>
    MulScalar,
    /// <summary>x ^ scalar</summary>
    PowScalar,
    /// <summary>1 where x is NaN or ±Inf, else 0 (anomaly checks)</summary>
    NonFinite,
}

/// <summary>Two-input element-wise functions, applied with broadcasting. Comparisons give 1 or 0.</summary>
public enum BinaryOp
{
    /// <summary>a + b</summary>
    Add,
    /// <summary>a - b</summary>
    Sub,
    /// <summary>a · b</summary>
    Mul,
    /// <summary>a / b</summary>
    Div,
    /// <summary>a ^ b</summary>
    Pow,
    /// <summary>max(a, b)</summary>
    Maximum,
    /// <summary>min(a, b)</summary>
    Minimum,
    /// <summary>a == b</summary>
    Eq,
    /// <summary>a &gt; b</summary>
    Gt,
    /// <summary>a &lt; b</summary>
    Lt,
    /// <summary>a &gt;= b</summary>
    Ge,
}
