using System.Diagnostics;
using Agora.Benchmarks;
using BenchmarkDotNet.Running;

if (args is ["ratio", ..])
{
    // Interleaved A/B runs: on a shared machine, load changes between BenchmarkDotNet's sequential benchmarks;
    // alternating the two paths puts both under the same conditions. Prints min and median per method.
    var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15;
    var bench = new PriceFileBenchmarks { Rows = 1_000_000 };
    bench.Setup();
    var methods = new (string Name, Func<Task> Run)[]
    {
        ("SylvanRaw", () => bench.SylvanRaw()),
        ("TabularFileRowsOnly", () => bench.TabularFileRowsOnly()),
        ("TabularFileNumbersOnly", () => bench.TabularFileNumbersOnly()),
        ("TabularFileImportPath", () => bench.TabularFileImportPath()),
        ("SylvanWithValues", () => bench.SylvanWithValues()),
    };
    var times = methods.ToDictionary(m => m.Name, _ => new List<double>());
    for (var round = -2; round < rounds; round++)
    {
        foreach (var (name, run) in methods)
        {
            var watch = Stopwatch.StartNew();
            await run();
            if (round >= 0)
            {
                times[name].Add(watch.Elapsed.TotalMilliseconds);
            }
        }
    }

    static double Median(List<double> t) => t.Order().ElementAt(t.Count / 2);
    var baseline = times["SylvanRaw"];
    foreach (var (name, t) in times)
    {
        Console.WriteLine($"{name,-24} min {t.Min(),7:F1} ms  median {Median(t),7:F1} ms  median ratio to SylvanRaw {Median(t) / Median(baseline):F2}");
    }

    return;
}

if (args is ["import-path", ..])
{
    // The real import path (ImportService + PriceImport over in-memory ports) on a generated price file, interleaved with
    // raw Sylvan parsing of the same file: import-path [rows] [rounds] [--breakdown].
    var numbers = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    await ImportPath.RunAsync(
        rows: numbers.Length > 0 ? numbers[0] : 1_000_000,
        rounds: numbers.Length > 1 ? numbers[1] : 5,
        breakdown: args.Contains("--breakdown"));
    return;
}

if (args is ["import-latency", ..])
{
    // The same import path over stores that answer every request after a latency, a first import then re-imports:
    // import-latency [rows] [--latency-ms 5] [--in-flight 32] [--batch 1000] [--reimports 3]; --latency-ms 0 is the control.
    string? Option(string name) => Array.IndexOf(args, name) is var at and > 0 && at + 1 < args.Length ? args[at + 1] : null;
    int Number(string name, int fallback) => Option(name) is { } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;
    var numbers = args.Where((a, i) => i > 0 && !a.StartsWith("--", StringComparison.Ordinal) && !args[i - 1].StartsWith("--", StringComparison.Ordinal))
        .Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    await ImportLatency.RunAsync(
        rows: numbers.Length > 0 ? numbers[0] : 1_000_000,
        latencyMs: Option("--latency-ms") is { } ms ? double.Parse(ms, System.Globalization.CultureInfo.InvariantCulture) : 5,
        inFlight: Number("--in-flight", Agora.Core.Imports.ImportOptions.DefaultWritesInFlight),
        batch: Number("--batch", Agora.Core.Imports.ImportOptions.DefaultBatchSize),
        reimports: Number("--reimports", 3));
    return;
}

if (args is ["quote", ..])
{
    // A 500-line cart priced for one customer against 100,000 products, 5,000 lists and 200 active promotions:
    // quote [rounds] [quotes per round] [--seed n] [--dump quote.json] [--only path]: --dump writes the quotes, to compare two
    // builds; --only times the paths whose name starts with it ("engine, the" for a profile of the engine alone).
    string? Option(string name) => Array.IndexOf(args, name) is var at and > 0 && at + 1 < args.Length ? args[at + 1] : null;
    var numbers = args.Where((a, i) => i > 0 && !a.StartsWith("--", StringComparison.Ordinal) && !args[i - 1].StartsWith("--", StringComparison.Ordinal))
        .Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    await QuoteBench.RunAsync(
        rounds: numbers.Length > 0 ? numbers[0] : 7,
        quotesPerRound: numbers.Length > 1 ? numbers[1] : 50,
        seed: Option("--seed") is { } seed ? int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture) : QuoteData.Seed,
        dump: Option("--dump"),
        only: Option("--only"));
    return;
}

if (args is ["xlsx-bomb", ..])
{
    // A price .xlsx whose shared strings inflate to 300 MB (or the MB given): the reason it is refused, and its memory.
    await XlsxBombMemory.RunAsync(args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300);
    return;
}

if (args is ["checkout", ..])
{
    // Checkout end to end through the local runtime and the emulators: checkout [lines] [runs] [orders] [concurrency].
    int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    await CheckoutLoad.RunAsync(Arg(1, 1000), Arg(2, 5), Arg(3, 200), Arg(4, 16));
    return;
}

if (args is ["local-import", ..])
{
    // A price file through a backend already running (`dotnet run --project functions/Agora.LocalHost`), uploaded then
    // re-dropped in storage, with quotes meanwhile and the emulator's raw speed:
    // local-import [rows] [--url u] [--skus n] [--timeout min] [--quote-every s].
    string? Option(string name) => Array.IndexOf(args, name) is var at and > 0 && at + 1 < args.Length ? args[at + 1] : null;
    var numbers = args.Where((a, i) => i > 0 && !a.StartsWith("--", StringComparison.Ordinal) && !args[i - 1].StartsWith("--", StringComparison.Ordinal))
        .Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    Environment.ExitCode = await LocalImport.RunAsync(
        rows: numbers.Length > 0 ? numbers[0] : 100_000,
        url: new Uri(Option("--url") ?? "http://localhost:7071"),
        skus: Option("--skus") is { } skus ? int.Parse(skus, System.Globalization.CultureInfo.InvariantCulture) : 1000,
        timeout: TimeSpan.FromMinutes(Option("--timeout") is { } minutes ? double.Parse(minutes, System.Globalization.CultureInfo.InvariantCulture) : 60),
        quoteEvery: TimeSpan.FromSeconds(Option("--quote-every") is { } seconds ? double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture) : 2));
    return;
}

if (args is ["local-campaign", ..])
{
    // A campaign to 10,000 people through a backend already running, with one SendGrid request refused mid-send:
    // local-campaign [recipients] [--per-customer n] [--fail-request n] [--url u].
    string? Option(string name) => Array.IndexOf(args, name) is var at and > 0 && at + 1 < args.Length ? args[at + 1] : null;
    int Number(string name, int fallback) => Option(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
    Environment.ExitCode = await LocalCampaign.RunAsync(
        recipients: args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000,
        perCustomer: Number("--per-customer", 5),
        failRequest: Number("--fail-request", 5),
        url: new Uri(Option("--url") ?? "http://localhost:7071"));
    return;
}

if (args is ["local-requests", ..])
{
    // Ordinary requests one at a time through a backend already running, to compare its configurations (telemetry on or
    // off): local-requests [requests] [--url u].
    string? Option(string name) => Array.IndexOf(args, name) is var at and > 0 && at + 1 < args.Length ? args[at + 1] : null;
    Environment.ExitCode = await LocalRequests.RunAsync(
        requests: args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500,
        url: new Uri(Option("--url") ?? "http://localhost:7071"));
    return;
}

if (args is ["xlsx-memory", ..])
{
    await XlsxMemory.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(CheckoutLoad).Assembly).Run(args);
