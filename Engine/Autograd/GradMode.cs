namespace ConvEngine.Autograd;

/// <summary>Whether operations record gradients on this thread (PyTorch's grad mode).</summary>
public static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    /// <summary>True unless inside a <see cref="Tensor.NoGrad"/> scope.</summary>
    public static bool IsEnabled => _disabledDepth == 0;

    internal static IDisposable Disable()
    {
        _disabledDepth++;
        return new Scope();
    }

    private sealed class Scope : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _disabledDepth--;
        }
    }
}
