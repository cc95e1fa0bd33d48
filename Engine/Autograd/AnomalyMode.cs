namespace ConvEngine.Autograd;

/// <summary>
/// PyTorch's anomaly detection: when on, every backward function's outputs are checked for NaN and Inf,
/// and the first one found raises naming the function. Off by default (it costs a pass over every gradient).
/// </summary>
public static class AnomalyMode
{
    /// <summary>Turns the checks on or off for the whole process.</summary>
    public static bool Enabled { get; set; }
}
