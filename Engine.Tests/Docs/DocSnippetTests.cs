using System.Text.RegularExpressions;

namespace ConvEngine.Tests.Docs;

/// <summary>
/// The documentation quotes code that compiles and runs: every C#, C or Python block in the Markdown files
/// (README, docs/, the package READMEs) is preceded by <c>&lt;!-- from: path --&gt;</c> and must appear verbatim
/// in that file, indentation aside: the getting-started snippets live in GettingStartedTests (run there), the
/// training loop in examples/FashionMnistCnn (built and run by CI), the rest in the engine's own sources. A block
/// may skip lines with a line of its own reading <c>// …</c> (<c># …</c> in Python). Other blocks (shell, output)
/// may name a file too and are then held to the same rule. Relative links must lead to files that exist.
/// </summary>
public sealed partial class DocSnippetTests
{
    private static readonly string[] CheckedLanguages = ["csharp", "c", "python"];

    private static IEnumerable<string> MarkdownFiles()
    {
        string root = RepositoryFiles.Root;
        var files = new[] { "README.md", "Engine/PACKAGE.md", "Engine.Kernels/PACKAGE.md" }
            .Select(RepositoryFiles.PathOf)
            .Concat(Directory.GetFiles(RepositoryFiles.PathOf("docs"), "*.md"));
        return files.Where(File.Exists).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal);
    }

    /// <summary>A fenced block: where it is, its language, the file it claims to quote (or null) and its lines.</summary>
    public sealed record Block(string Where, string Language, string? Source, string[] Lines);

    private static IEnumerable<Block> Blocks(string markdown)
    {
        var lines = File.ReadAllLines(RepositoryFiles.PathOf(markdown));
        for (int i = 0; i < lines.Length; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (!fence.Success) continue;
            int start = i;
            var body = new List<string>();
            while (++i < lines.Length && lines[i].Trim() != "```") body.Add(lines[i]);
            int previous = start - 1;
            while (previous >= 0 && lines[previous].Trim().Length == 0) previous--;
            var from = previous >= 0 ? FromMarker().Match(lines[previous]) : Match.Empty;
            yield return new Block($"{markdown}:{start + 1}", fence.Groups[1].Value, from.Success ? from.Groups[1].Value : null, [.. body]);
        }
    }

    public static IEnumerable<TestCaseData> QuotedBlocks() =>
        MarkdownFiles().SelectMany(Blocks)
            .Where(b => b.Source is not null || CheckedLanguages.Contains(b.Language))
            .Select(b => new TestCaseData(b).SetArgDisplayNames(b.Where));

    [TestCaseSource(nameof(QuotedBlocks))]
    public void BlockQuotesItsSourceVerbatim(Block block)
    {
        Assert.That(block.Source, Is.Not.Null,
            $"{block.Where}: a {block.Language} block needs a <!-- from: path --> line before it naming the file it quotes");
        string source = RepositoryFiles.PathOf(block.Source!);
        Assert.That(File.Exists(source), Is.True, $"{block.Where}: {block.Source} does not exist");
        string? missing = FindExcerpt(File.ReadAllLines(source), block.Lines);
        Assert.That(missing, Is.Null, $"{block.Where}: not found in {block.Source} (update the block from the file):\n{missing}");
    }

    public static IEnumerable<TestCaseData> MarkdownLinks() =>
        MarkdownFiles().Select(f => new TestCaseData(f).SetArgDisplayNames(f));

    [TestCaseSource(nameof(MarkdownLinks))]
    public void RelativeLinksLeadToFiles(string markdown)
    {
        string folder = Path.GetDirectoryName(RepositoryFiles.PathOf(markdown))!;
        var broken = Link().Matches(File.ReadAllText(RepositoryFiles.PathOf(markdown)))
            .Select(m => m.Groups[1].Value)
            .Where(target => !target.Contains("://") && !target.StartsWith('#'))
            .Where(target => !Path.Exists(Path.Combine(folder, target.Split('#')[0])))
            .ToList();
        Assert.That(broken, Is.Empty, $"{markdown} links to missing files");
    }

    [Test]
    public void FindExcerptHonoursIndentationGapsAndOrder()
    {
        string[] file = ["class A", "{", "    void F()", "    {", "        int x = 1;", "        int y = 2;", "        Use(x, y);", "    }", "}"];
        Assert.That(FindExcerpt(file, ["void F()", "{", "    int x = 1;"]), Is.Null);
        Assert.That(FindExcerpt(file, ["void F()", "// …", "    Use(x, y);", "}"]), Is.Null);
        Assert.That(FindExcerpt(file, ["int x = 1;", "    int y = 2;"]), Is.Not.Null, "relative indentation counts");
        Assert.That(FindExcerpt(file, ["int y = 2;", "// …", "int x = 1;"]), Is.Not.Null, "order counts");
    }

    /// <summary>Null when <paramref name="excerpt"/> appears in <paramref name="file"/>, else the first part that does not.</summary>
    private static string? FindExcerpt(string[] file, string[] excerpt)
    {
        var segments = new List<string[]> { Array.Empty<string>() };
        foreach (var line in excerpt)
        {
            if (line.Trim() is "// …" or "# …") segments.Add([]);
            else segments[^1] = [.. segments[^1], line];
        }
        int from = 0;
        foreach (var segment in segments.Where(s => s.Length > 0))
        {
            var wanted = Dedent(segment);
            int at = Enumerable.Range(from, Math.Max(0, file.Length - segment.Length - from + 1))
                .FirstOrDefault(i => Dedent(file[i..(i + segment.Length)]).SequenceEqual(wanted), -1);
            if (at < 0) return string.Join("\n", segment);
            from = at + segment.Length;
        }
        return null;
    }

    // Lines without the indentation they share (blank lines compare as empty).
    private static string[] Dedent(string[] lines)
    {
        int indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return [.. lines.Select(l => l.Trim().Length == 0 ? "" : l[indent..].TrimEnd())];
    }

    [GeneratedRegex(@"^\s*```(\w*)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"<!--\s*from:\s*(\S+)\s*-->")]
    private static partial Regex FromMarker();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
