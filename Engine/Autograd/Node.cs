namespace ConvEngine.Autograd;

/// <summary>
/// One recorded operation in the graph: its inputs and the rule that turns the gradient of its output
/// into gradients of its inputs (null for inputs that do not need one).
/// </summary>
internal sealed class Node(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
{
    /// <summary>PyTorch's name for the backward function, e.g. <c>ConvolutionBackward0</c>.</summary>
    public string Name { get; } = name;

    public Tensor[] Inputs { get; } = inputs;

    public Func<Tensor, Tensor?[]> Backward { get; } = backward;
}
