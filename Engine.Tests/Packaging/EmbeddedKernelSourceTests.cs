using ConvEngine.Kernels;

namespace ConvEngine.Tests.Packaging;

/// <summary>
/// The GPU kernels travel inside ConvEngine.Kernels.dll (and so inside its package) as resources: every file of
/// Engine.Kernels/KernelSources in the source tree is embedded under <c>ConvEngine.Kernels.KernelSources.&lt;file&gt;</c>
/// with the same text, and nothing else is.
/// </summary>
public sealed class EmbeddedKernelSourceTests
{
    private const string Prefix = "ConvEngine.Kernels.KernelSources.";

    [Test]
    public void EveryKernelSourceFileIsEmbeddedVerbatim()
    {
        var assembly = typeof(IBackend).Assembly;
        var files = Directory.GetFiles(RepositoryFiles.PathOf("Engine.Kernels/KernelSources"))
            .Where(f => Path.GetExtension(f) is ".k" or ".h" or ".inc")
            .ToDictionary(f => Prefix + Path.GetFileName(f));
        Assert.That(files, Is.Not.Empty);
        Assert.That(assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)), Is.EquivalentTo(files.Keys));
        foreach (var (resource, file) in files)
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            Assert.That(reader.ReadToEnd(), Is.EqualTo(File.ReadAllText(file)), resource);
        }
    }
}
