using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Agora.Infrastructure.Tests.Infra;

/// <summary>No secret in a template, parameter file or output, and no key or connection string where the managed identity
/// can be used (issue 5). The Bicep linter checks some of this too (infra/bicepconfig.json); these checks hold whatever
/// the linter's configuration says.</summary>
public sealed partial class NoSecretsTests
{
    private static readonly JsonObject Main = Bicep.MainTemplate;

    /// <summary>Parameters whose name suggests a secret but are not secure, in every template (main and modules).</summary>
    internal static IEnumerable<string> InsecureSecretParameters(JsonObject main) =>
        ArmTemplate.Deployments(main).SelectMany(d => (d.Template["parameters"]?.AsObject() ?? [])
            .Where(p => SecretName().IsMatch(p.Key) && (string?)p.Value?["type"] is not ("securestring" or "secureObject"))
            .Select(p => $"{d.Name}: parameter '{p.Key}' looks like a secret but is not @secure()."));

    /// <summary>Outputs that name or return a secret, in every template.</summary>
    internal static IEnumerable<string> SecretOutputs(JsonObject main) =>
        ArmTemplate.Deployments(main).SelectMany(d => (d.Template["outputs"]?.AsObject() ?? [])
            .Where(o => OutputName().IsMatch(KeyVault().Replace(o.Key, string.Empty)) || SecretRead().IsMatch(o.Value?["value"]?.ToJsonString() ?? string.Empty)
                || (string?)o.Value?["type"] is "securestring" or "secureObject")
            .Select(o => $"{d.Name}: output '{o.Key}' names or returns a secret."));

    /// <summary>Keys, SAS tokens and connection strings read or written anywhere in the template. The one connection
    /// string allowed is Application Insights': it names the component, whose local authentication is off.</summary>
    internal static IEnumerable<string> KeysRead(JsonObject main) =>
        Strings(main)
            .Where(s => SecretRead().IsMatch(s) || (s.Contains(".ConnectionString", StringComparison.OrdinalIgnoreCase) && !s.Contains("'Microsoft.Insights/components'", StringComparison.Ordinal)))
            .Distinct(StringComparer.Ordinal)
            .Select(s => $"The template reads or writes a key or connection string: {s}");

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue(out string? s) => [s],
        _ => [],
    };

    /// <summary>Settings whose name says "key" but which hold a public key: SendGrid's Event Webhook verification key is
    /// published to whoever verifies the webhook, and knowing it lets no one sign an event.</summary>
    private static readonly HashSet<string> PublicKeys = new(StringComparer.Ordinal) { "SendGrid__WebhookPublicKey" };

    /// <summary>App settings that hold a secret or a connection string instead of a Key Vault reference or the identity.</summary>
    internal static IEnumerable<string> SecretSettings(JsonObject settings) =>
        settings.Where(s =>
        {
            var value = s.Value?.ToJsonString() ?? string.Empty;
            var keyVault = value.Contains("@Microsoft.KeyVault(", StringComparison.Ordinal);
            return SecretRead().IsMatch(value) || (SecretSettingName().IsMatch(s.Key) && !keyVault && s.Key != "APPLICATIONINSIGHTS_CONNECTION_STRING" && !PublicKeys.Contains(s.Key));
        }).Select(s => $"App setting {s.Key} holds a secret or connection string; use a Key Vault reference or the managed identity.");

    [Fact]
    public void No_parameter_that_looks_like_a_secret_is_left_without_secure()
    {
        Expect.None(InsecureSecretParameters(Main));
        Assert.Equal("securestring", (string?)Main["parameters"]?["sendGridApiKey"]?["type"]);
    }

    [Fact]
    public void No_output_names_or_returns_a_secret()
    {
        Expect.None(SecretOutputs(Main));
    }

    [Fact]
    public void The_template_reads_no_keys_sas_tokens_or_connection_strings()
    {
        Expect.None(KeysRead(Main));
    }

    [Fact]
    public void App_settings_hold_no_secret_and_the_sendgrid_key_is_a_key_vault_reference()
    {
        var settings = AppSettingsTests.AzureSettings(Main);

        Expect.None(SecretSettings(settings));
        Assert.StartsWith("[format('@Microsoft.KeyVault(VaultName={0};SecretName={1})'", (string?)settings["SendGrid__ApiKey"], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_service_the_app_reaches_accepts_only_the_identity()
    {
        // So that no connection string or key could work even if one leaked into a setting.
        Assert.False((bool?)ArmTemplate.Single(Main, "Microsoft.Storage/storageAccounts")["properties.allowSharedKeyAccess"]);
        Assert.True((bool?)ArmTemplate.Single(Main, "Microsoft.DocumentDB/databaseAccounts")["properties.disableLocalAuth"]);
        Assert.True((bool?)ArmTemplate.Single(Main, "Microsoft.ServiceBus/namespaces")["properties.disableLocalAuth"]);
        Assert.True((bool?)ArmTemplate.Single(Main, "Microsoft.Insights/components")["properties.DisableLocalAuth"]);
        Assert.True((bool?)ArmTemplate.Single(Main, "Microsoft.KeyVault/vaults")["properties.enableRbacAuthorization"]);
    }

    [Fact]
    public void The_parameter_file_takes_secure_parameters_from_the_environment_only()
    {
        var secure = (Main["parameters"]?.AsObject() ?? []).Where(p => (string?)p.Value?["type"] is "securestring" or "secureObject").Select(p => p.Key).ToArray();
        var lines = File.ReadAllLines(Bicep.PathOf("infra/main.bicepparam"));

        Assert.NotEmpty(secure);
        Assert.All(secure, name =>
        {
            var assignment = lines.SingleOrDefault(l => l.StartsWith($"param {name} ", StringComparison.Ordinal));
            Assert.True(assignment is null || EnvironmentRead().IsMatch(assignment), $"main.bicepparam gives {name} a value that is not readEnvironmentVariable('NAME', ''): {assignment}");
        });
    }

    [Fact]
    public void A_secret_parameter_output_key_read_or_setting_is_named()
    {
        var template = JsonNode.Parse("""
            {
              "parameters": { "adminPassword": { "type": "string" }, "sendGridApiKey": { "type": "securestring" } },
              "resources": [],
              "outputs": {
                "storageKey": { "type": "string", "value": "x" },
                "endpoint": { "type": "string", "value": "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'st'), '2024-01-01').keys[0].value]" }
              }
            }
            """)!.AsObject();
        var settings = JsonNode.Parse("""
            { "CosmosDb__Key": "[parameters('cosmosKey')]", "Storage": "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc", "SendGrid__ApiKey": "@Microsoft.KeyVault(VaultName=kv;SecretName=s)" }
            """)!.AsObject();

        Assert.Equal(["main: parameter 'adminPassword' looks like a secret but is not @secure()."], InsecureSecretParameters(template));
        Assert.Equal(["main: output 'storageKey' names or returns a secret.", "main: output 'endpoint' names or returns a secret."], SecretOutputs(template));
        Assert.Single(KeysRead(template));
        Assert.Equal(["App setting CosmosDb__Key holds a secret or connection string; use a Key Vault reference or the managed identity.",
            "App setting Storage holds a secret or connection string; use a Key Vault reference or the managed identity."], SecretSettings(settings));
    }

    [GeneratedRegex("password|pwd|secret|apikey|accountkey|acctkey|connectionstring|token|sas$|credential", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex("key|secret|password|connectionstring|connection_string", RegexOptions.IgnoreCase)]
    private static partial Regex OutputName();

    /// <summary>The service's name is no secret: AZURE_KEY_VAULT_NAME names the vault.</summary>
    [GeneratedRegex("key_?vault", RegexOptions.IgnoreCase)]
    private static partial Regex KeyVault();

    [GeneratedRegex("key|secret|password|pwd|connection_?string|token", RegexOptions.IgnoreCase)]
    private static partial Regex SecretSettingName();

    [GeneratedRegex(@"list(Keys|ConnectionStrings|AccountSas|ServiceSas|Secrets|Credentials?)\(|AccountKey=|SharedAccessKey|DefaultEndpointsProtocol|primaryMasterKey|primaryKey", RegexOptions.IgnoreCase)]
    private static partial Regex SecretRead();

    [GeneratedRegex(@"^param \w+ = readEnvironmentVariable\('[A-Z0-9_]+', ''\)\s*(//.*)?$")]
    private static partial Regex EnvironmentRead();
}
