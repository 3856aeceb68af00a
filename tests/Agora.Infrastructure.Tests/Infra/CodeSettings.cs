using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agora.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Agora.Infrastructure.Tests.Infra;

/// <summary>The app settings the code reads, found by running it rather than by listing them: the application's one DI
/// entry point runs against a configuration that records every key looked up, then every options class it registers is
/// bound and every service it registers is created; plus the <c>%Name%</c> settings of trigger attributes, read from the
/// <c>functions.metadata</c> the Worker SDK builds (the file the Functions host reads).</summary>
internal static partial class CodeSettings
{
    private const string StorageClientsSetting = Storage.StorageClients.Setting;

    private static readonly Lazy<HashSet<string>> ReadByApp = new(Record, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>App-setting names (<c>__</c> separated) that <c>AddAgoraServices</c> and the services it registers read.</summary>
    public static IReadOnlySet<string> ReadByTheApp => ReadByApp.Value;

    /// <summary>The <c>%Name%</c> settings of the trigger attributes.</summary>
    public static IReadOnlySet<string> InTriggers()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        var functions = JsonNode.Parse(File.ReadAllText(path))?.AsArray() ?? throw new InvalidDataException($"{path} is empty.");
        return functions
            .SelectMany(f => f?["bindings"]?.AsArray() ?? [])
            .SelectMany(b => b?.AsObject() ?? [])
            .Select(p => p.Value is JsonValue v && v.TryGetValue(out string? s) ? s : null)
            .SelectMany(s => s is null ? [] : SettingReference().Matches(s).Select(m => m.Groups["name"].Value))
            .ToHashSet(StringComparer.Ordinal);
    }

    private static HashSet<string> Record()
    {
        var recorder = new RecordingSource();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.Sources.Clear();
        ((IConfigurationBuilder)builder.Configuration).Add(recorder);
        var before = builder.Services.ToHashSet();

        builder.AddAgoraServices();

        var added = builder.Services.Where(d => !before.Contains(d)).ToArray();
        using var provider = builder.Services.BuildServiceProvider();
        foreach (var descriptor in added)
        {
            var type = descriptor.ServiceType;
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IConfigureOptions<>))
            {
                var options = typeof(IOptions<>).MakeGenericType(type.GetGenericArguments());
                TryCreate(provider, options, o => options.GetProperty(nameof(IOptions<object>.Value))!.GetValue(o));
            }
            else if (!type.ContainsGenericParameters)
            {
                // Services that need a setting the empty configuration lacks throw after reading it: what counts is the read.
                TryCreate(provider, type, _ => null);
            }
        }

        // A key under which others were read is a section, not a setting; AzureWebJobsStorage is both (a connection string
        // locally, the prefix of the identity-based settings in Azure), and StorageClients reads it as a value.
        var keys = recorder.Keys.Where(k => !k.Contains(RecordingSource.Probe, StringComparison.Ordinal)).ToArray();
        return keys
            .Where(k => k == StorageClientsSetting || !keys.Any(other => other.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase)))
            .Select(k => k.Replace(":", "__", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
    }

    private static void TryCreate(ServiceProvider provider, Type type, Func<object, object?> use)
    {
        try
        {
            if (provider.GetService(type) is { } service)
            {
                use(service);
            }
        }
#pragma warning disable CA1031 // Any failure is fine here: only the configuration reads before it matter.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    [GeneratedRegex("%(?<name>[A-Za-z0-9_.:-]+)%")]
    private static partial Regex SettingReference();

    /// <summary>A configuration without values that remembers the keys asked for. Every top-level section claims one child,
    /// so that the options binder, which skips a section without children, asks for each property.</summary>
    private sealed class RecordingSource : ConfigurationProvider, IConfigurationSource
    {
        public const string Probe = "recording-probe";

        private readonly HashSet<string> _keys = new(StringComparer.OrdinalIgnoreCase);

        public IEnumerable<string> Keys
        {
            get
            {
                lock (_keys)
                {
                    return _keys.ToArray();
                }
            }
        }

        public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

        public override bool TryGet(string key, out string? value)
        {
            lock (_keys)
            {
                _keys.Add(key);
            }

            return base.TryGet(key, out value);
        }

        public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
            parentPath is null || parentPath.Contains(':', StringComparison.Ordinal) ? earlierKeys : earlierKeys.Append(Probe);
    }
}
