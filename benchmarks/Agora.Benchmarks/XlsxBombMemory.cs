using System.Diagnostics;
using Agora.Core.Files;
using Agora.Core.Tests.Files;

namespace Agora.Benchmarks;

/// <summary>What refusing a hostile workbook costs: a price .xlsx of a few hundred KB whose shared-string table inflates
/// to 300 MB (the file of issue 9), opened as an import opens it. Prints the reason, the time, the bytes allocated and
/// the process's peak resident memory (VmHWM) against its resident memory before.</summary>
internal static class XlsxBombMemory
{
    public static async Task RunAsync(long inflatedMegabytes)
    {
        var bomb = XlsxBomb.SharedStrings(inflatedMegabytes * 1024 * 1024);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        ResetPeak();
        var before = Resident();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        string outcome;
        try
        {
            await using var file = await TabularFile.OpenAsync(new MemoryStream(bomb), "precos.xlsx");
            outcome = $"read: {file}";
        }
        catch (TabularFileException e)
        {
            outcome = $"refused: {e.Reason}";
        }

        var elapsed = watch.Elapsed;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Console.WriteLine($"{bomb.Length / 1024.0:N0} KB xlsx, shared strings inflating to {inflatedMegabytes:N0} MB: {outcome}");
        Console.WriteLine($"  in {elapsed.TotalMilliseconds:N0} ms; allocated {allocated / 1024.0 / 1024:N1} MiB; resident before {before / 1024.0 / 1024:N0} MiB, peak {Peak() / 1024.0 / 1024:N0} MiB");
    }

    /// <summary>Linux: resets VmHWM to the current resident size (clear_refs 5), so the peak is this run's.</summary>
    private static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static long Resident() => Status("VmRSS:") ?? Environment.WorkingSet;

    private static long Peak() => Status("VmHWM:") ?? Process.GetCurrentProcess().PeakWorkingSet64;

    private static long? Status(string key)
    {
        if (!File.Exists("/proc/self/status"))
        {
            return null;
        }

        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? null : long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
