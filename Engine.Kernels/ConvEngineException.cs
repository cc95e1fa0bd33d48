namespace ConvEngine;

/// <summary>
/// The one exception type ConvEngine throws for bad shapes, bad parameters, bad files and device faults.
/// Messages are single lines, worded as PyTorch words them where PyTorch has a message.
/// </summary>
public class ConvEngineException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public ConvEngineException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and the native or I/O failure behind it, if any.</summary>
    public ConvEngineException(string message, Exception? inner) : base(message, inner) { }
}
