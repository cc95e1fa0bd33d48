namespace ConvEngine.Tests.Golden;

/// <summary>
/// Finds the golden cases: every *.jsonl in the suite's own Golden/cases folder and, when the
/// environment variable CONVENGINE_GOLDEN_DIR names a folder, every *.jsonl there too.
/// </summary>
public static class GoldenFiles
{
    public const string EnvironmentVariable = "CONVENGINE_GOLDEN_DIR";

    public static IEnumerable<string> Folders()
    {
        yield return Path.Combine(TestContext.CurrentContext.TestDirectory, "Golden", "cases");
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } extra) yield return extra;
    }

    /// <summary>One NUnit case per line; a line that does not parse becomes a failing case named after its place.</summary>
    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var folder in Folders())
        {
            if (!Directory.Exists(folder))
            {
                yield return new TestCaseData(null, $"missing golden folder {folder}").SetName($"golden folder {folder}");
                continue;
            }
            foreach (var file in Directory.GetFiles(folder, "*.jsonl").Order())
            {
                int lineNo = 0;
                foreach (var line in File.ReadLines(file))
                {
                    lineNo++;
                    if (string.IsNullOrWhiteSpace(line)) continue;
                    string where = $"{Path.GetFileName(file)}:{lineNo}";
                    GoldenCase? parsed = null;
                    string? error = null;
                    try { parsed = GoldenCase.Parse(line, where); }
                    catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
                    {
                        error = $"{where}: malformed case: {e.Message}";
                    }
                    yield return new TestCaseData(parsed, error).SetName(parsed?.Id ?? where);
                }
            }
        }
    }
}
