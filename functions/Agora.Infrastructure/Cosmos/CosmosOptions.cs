namespace Agora.Infrastructure.Cosmos;

/// <summary>App settings <c>CosmosDb__Endpoint</c>, <c>CosmosDb__Database</c>, and for emulators only <c>CosmosDb__Key</c> and
/// <c>CosmosDb__Emulator</c>. Without a key the client authenticates with DefaultAzureCredential: in Azure the user-assigned managed identity that
/// <c>AZURE_CLIENT_ID</c> names.</summary>
public sealed class CosmosOptions
{
    public const string Section = "CosmosDb";

    public string Endpoint { get; set; } = string.Empty;

    public string Database { get; set; } = "agora";

    public string? Key { get; set; }

    /// <summary>The local emulator: gateway mode over http, no endpoint discovery (DESIGN.md section 2).</summary>
    public bool Emulator { get; set; }
}
