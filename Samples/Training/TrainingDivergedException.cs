namespace ConvEngine.Samples.Training;

/// <summary>
/// Training produced a NaN or infinite loss (or weights): the learning rate is too high for the model. Says where it
/// was noticed; the command that trains adds what to do about it.
/// </summary>
public sealed class TrainingDivergedException(int epoch, int step, int steps, string what)
    : ConvEngineException($"training diverged in epoch {epoch}: {what} by step {step} of {steps}")
{
    /// <summary>The epoch in which it happened (1-based).</summary>
    public int Epoch { get; } = epoch;

    /// <summary>The step by which it was seen (1-based); the checks run every few steps, so it happened at or before this one.</summary>
    public int Step { get; } = step;
}
