namespace Agora.Infrastructure.Tests.Infra;

/// <summary>Which settings the code reads belong to which environment. The code says what it reads (see
/// <see cref="CodeSettings"/>); these lists say only where — the README's configuration table in code, checked against it.</summary>
internal static class SettingsContract
{
    /// <summary>Read from the environment by the Functions host or an Azure SDK, not through the app's configuration code.</summary>
    public static readonly IReadOnlyDictionary<string, string> ReadByHost = new Dictionary<string, string>
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "the worker kind, read by the local runtime (and func); on Flex Consumption it is functionAppConfig.runtime",
        ["AzureWebJobsStorage__credential"] = "the Functions host's identity-based storage connection",
        ["AzureWebJobsStorage__clientId"] = "the identity of that connection",
        ["AZURE_CLIENT_ID"] = "DefaultAzureCredential's choice of the user-assigned identity (Cosmos DB, Service Bus)",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "the Application Insights component the host sends telemetry to",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "telemetry sent with the identity (local auth is off on the component)",
        ["FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"] = "the host's body limit, above the app's 100 MB upload limit so the app's 413 problem answers",
    };

    /// <summary>Emulators, the dev token endpoint, the mail sink and the local runtime: never set in Azure.</summary>
    public static readonly IReadOnlySet<string> LocalOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "AzureWebJobsStorage", // a connection string (UseDevelopmentStorage=true); Azure uses the identity-based settings
        "FUNCTIONS_WORKER_RUNTIME",
        "CosmosDb__Key",
        "CosmosDb__Emulator",
        "Auth__SigningKey",
        "SendGrid__Host",
    };

    /// <summary>Settings of the local runtime (Agora.LocalHost): local-only, checked against its source.</summary>
    public const string LocalRuntimePrefix = "LocalHost__";

    /// <summary>The identity, the resources' addresses, and what has no local counterpart: never in local.settings.json.</summary>
    public static readonly IReadOnlySet<string> AzureOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "AZURE_CLIENT_ID",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", // the local runtime applies the app's limits only
        "Auth__MetadataAddress", // locally tokens are signed with Auth__SigningKey
        "ServiceBus__FullyQualifiedNamespace", // locally integration events go to a storage queue
        "ServiceBus__Topic",
    };

    /// <summary>Read by the code, set nowhere: the default fits every environment, or another setting is used instead.</summary>
    public static readonly IReadOnlySet<string> Unset = new HashSet<string>(StringComparer.Ordinal)
    {
        "Auth__ClockSkew", // one minute
        "AzureWebJobsStorage__blobServiceUri", // alternatives to __accountName (sovereign clouds, private endpoints)
        "AzureWebJobsStorage__queueServiceUri",
        "OTEL_EXPORTER_OTLP_ENDPOINT", // an OTLP collector, where an operator runs one (decision 0022a); Azure exports to Azure Monitor
    };

    /// <summary>The OpenTelemetry SDK's own settings (service name, sampler, limits, the OTLP exporter's headers and protocol),
    /// read from the configuration by the SDK when the worker builds its providers: set where an operator wants them,
    /// defaulted everywhere else, like <see cref="Unset"/>.</summary>
    public const string OpenTelemetryPrefix = "OTEL_";

    /// <summary>Everything the code reads: what the app's wiring reads, the trigger attributes' settings, and the host's.</summary>
    public static IReadOnlySet<string> ReadByCode() =>
        CodeSettings.ReadByTheApp.Concat(CodeSettings.InTriggers()).Concat(ReadByHost.Keys).ToHashSet(StringComparer.Ordinal);

    /// <summary>What is wrong with the settings <paramref name="azure"/> (the Function App's, in infra/) given what the code reads.</summary>
    public static IEnumerable<string> AzureProblems(IReadOnlySet<string> read, IReadOnlySet<string> azure)
    {
        foreach (var name in read.Except(LocalOnly).Except(Unset).Except(azure).Where(n => !n.StartsWith(OpenTelemetryPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            yield return $"{name}: the code reads it, but the Function App (infra/modules/functionapp.bicep) does not set it. If Azure must not have it, list it in SettingsContract.LocalOnly or Unset, and in the README's configuration table.";
        }

        foreach (var name in azure.Order(StringComparer.Ordinal))
        {
            if (!read.Contains(name))
            {
                yield return $"{name}: the Function App (infra/modules/functionapp.bicep) sets it, but the code does not read it.";
            }
            else if (LocalOnly.Contains(name) || name.StartsWith(LocalRuntimePrefix, StringComparison.Ordinal))
            {
                yield return $"{name}: local-only (emulators, dev tokens, the local runtime), but the Function App (infra/modules/functionapp.bicep) sets it.";
            }
            else if (Unset.Contains(name))
            {
                yield return $"{name}: listed as set nowhere (SettingsContract.Unset), but the Function App (infra/modules/functionapp.bicep) sets it.";
            }
        }
    }

    /// <summary>What is wrong with <paramref name="local"/> (the settings of local.settings.sample.json) given what the code reads.</summary>
    public static IEnumerable<string> LocalProblems(IReadOnlySet<string> read, IReadOnlySet<string> local)
    {
        foreach (var name in read.Except(AzureOnly).Except(Unset).Except(local).Where(n => !n.StartsWith(OpenTelemetryPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            yield return $"{name}: the code reads it, but local.settings.sample.json does not set it. If only Azure has it, list it in SettingsContract.AzureOnly, and in the README's configuration table.";
        }

        foreach (var name in local.Where(n => !n.StartsWith(LocalRuntimePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            if (!read.Contains(name))
            {
                yield return $"{name}: local.settings.sample.json sets it, but the code does not read it.";
            }
            else if (AzureOnly.Contains(name))
            {
                yield return $"{name}: Azure-only, but local.settings.sample.json sets it.";
            }
            else if (Unset.Contains(name))
            {
                yield return $"{name}: listed as set nowhere (SettingsContract.Unset), but local.settings.sample.json sets it.";
            }
        }
    }

    /// <summary>Entries of the lists above that the code does not read (any more).</summary>
    public static IEnumerable<string> StaleEntries(IReadOnlySet<string> read) =>
        new[] { ("LocalOnly", LocalOnly), ("AzureOnly", AzureOnly), ("Unset", Unset) }
            .SelectMany(list => list.Item2.Where(name => !read.Contains(name)).Select(name => $"{name}: in SettingsContract.{list.Item1}, but the code does not read it."))
            .Concat(LocalOnly.Intersect(AzureOnly).Select(name => $"{name}: both local-only and Azure-only."));
}
