namespace Agora.Infrastructure.Tests.Infra;

internal static class Expect
{
    /// <summary>Fails with every problem, one a line, so that a failure says what to fix.</summary>
    public static void None(IEnumerable<string> problems)
    {
        var all = problems.ToArray();
        Assert.True(all.Length == 0, $"{all.Length} problem(s):\n{string.Join('\n', all)}");
    }
}
