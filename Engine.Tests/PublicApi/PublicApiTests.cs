using System.Reflection;
using System.Text;
using ConvEngine.Kernels;

namespace ConvEngine.Tests.PublicApi;

/// <summary>
/// The public surface of both packaged assemblies equals the listing checked in beside this file, so that
/// every API change is a deliberate one that shows in review. After an intended change, run the suite with
/// <c>CONVENGINE_UPDATE_PUBLIC_API=1</c> to rewrite the listings, and commit them.
/// </summary>
public sealed class PublicApiTests
{
    public const string UpdateVariable = "CONVENGINE_UPDATE_PUBLIC_API";

    public static IEnumerable<TestCaseData> Assemblies()
    {
        yield return new TestCaseData(typeof(Tensor).Assembly).SetArgDisplayNames("ConvEngine");
        yield return new TestCaseData(typeof(IBackend).Assembly).SetArgDisplayNames("ConvEngine.Kernels");
    }

    [TestCaseSource(nameof(Assemblies))]
    public void PublicApi_MatchesCheckedInListing(Assembly assembly)
    {
        string file = ListingPath(assembly);
        string actual = PublicApiListing.Of(assembly);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(file, actual);
            Assert.Pass($"rewrote {file}");
        }
        string expected = File.Exists(file) ? File.ReadAllText(file).ReplaceLineEndings("\n") : "";
        if (actual == expected) return;
        Assert.Fail($"The public API of {assembly.GetName().Name} differs from {file} (- checked in, + built):\n"
            + LineDiff(expected, actual)
            + $"\nIf the change is intended, run `{UpdateVariable}=1 dotnet test Engine.Tests -c Release --filter FullyQualifiedName~PublicApi` and commit the file.");
    }

    [Test]
    public void Listing_ShowsSignaturesWithNullabilityModifiersAndDefaults()
    {
        string listing = PublicApiListing.Of(typeof(Tensor).Assembly);
        Assert.Multiple(() =>
        {
            Assert.That(listing, Does.Contain("public sealed class ConvEngine.Nn.Conv2d : Module\n"));
            Assert.That(listing, Does.Contain("    public Conv2d(int inChannels, int outChannels, Pair kernelSize, Pair? stride = null, Pair? padding = null, bool bias = true, Generator? generator = null)\n"));
            Assert.That(listing, Does.Contain("    public Tensor? Grad { get; set; }\n"));
            Assert.That(listing, Does.Contain("    protected virtual string ExtraRepr()\n"));
            Assert.That(listing, Does.Contain("    public abstract Tensor Forward(Tensor input)\n"));
        });
    }

    // Engine.Tests/PublicApi/<assembly>.txt in the source tree.
    private static string ListingPath(Assembly assembly) =>
        RepositoryFiles.PathOf($"Engine.Tests/PublicApi/{assembly.GetName().Name}.txt");

    // A line diff (longest common subsequence); a changed member line is preceded by its type's line for context.
    private static string LineDiff(string expected, string actual)
    {
        string[] a = expected.Split('\n'), b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
            for (int j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var sb = new StringBuilder();
        string? header = null, shownHeader = null;
        void Emit(char sign, string line)
        {
            if (line.StartsWith(' ') && header is not null && header != shownHeader) sb.Append("  ").Append(header).Append('\n');
            shownHeader = line.StartsWith(' ') ? header : line;
            sb.Append(sign).Append(' ').Append(line).Append('\n');
        }
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                if (!a[x].StartsWith(' ')) header = a[x];
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1])) Emit('-', a[x++]);
            else Emit('+', b[y++]);
        }
        return sb.ToString();
    }
}
