using System.Net;
using Agora.LocalHost;
using Agora.LocalHost.Dev;
using Agora.LocalHost.Emulators;
using Agora.Testing;
using Microsoft.Extensions.Configuration;

namespace Agora.Functions.Tests;

/// <summary>The dev token endpoint signs a token for anyone who asks: it exists only in a local development setup (the dev
/// signing key, the Cosmos DB emulator, storage on this machine) and nowhere else.</summary>
[Collection(BackendCollection.Name)]
public sealed class DevEndpointTests(BackendFixture backend)
{
    [Fact]
    public async Task A_local_runtime_trusting_an_identity_provider_has_no_dev_token_route()
    {
        // Emulators of its own: a second runtime on the shared ones would take the other tests' queue messages.
        await using var emulators = await LocalEmulators.StartAsync();
        var port = LocalEmulators.FreePort();
        var settings = BackendFixture.Settings(emulators.Endpoints, port);
        settings.Remove("Auth:SigningKey");
        settings["Auth:MetadataAddress"] = "https://login.example.test/tenant/v2.0/.well-known/openid-configuration";
        await using var other = await LocalBackend.StartAsync(new LocalBackendOptions
        {
            Settings = settings,
            Urls = $"http://127.0.0.1:{port}",
            HostId = SharedEmulators.Unique("nodev"),
        });
        using var client = new HttpClient { BaseAddress = other.BaseAddress };
        using var local = backend.Anonymous();

        var token = await client.PostAsync("/dev/token/ana", null);
        var users = await client.GetAsync("/dev/users");
        var openApi = await client.GetAsync("/api/openapi.json");
        var localToken = await local.PostAsync("/dev/token/ana", null);

        Assert.Equal(HttpStatusCode.NotFound, token.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, users.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode); // the host is up, serving the API
        Assert.Equal(HttpStatusCode.OK, localToken.StatusCode);
        Assert.Equal((false, true), (other.DevTokens, backend.Backend.DevTokens));
    }

    [Theory]
    [InlineData("metadata", false)]
    [InlineData("no-key", false)]
    [InlineData("real-cosmos", false)]
    [InlineData("remote-cosmos", false)]
    [InlineData("real-storage", false)]
    [InlineData("storage-account-name", false)]
    [InlineData("local", true)]
    [InlineData("azurite-ports", true)]
    public void Dev_tokens_are_mapped_only_with_the_dev_key_the_cosmos_emulator_and_local_storage(string setup, bool mapped)
    {
        var values = new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = "ZGV2",
            ["CosmosDb:Emulator"] = "true",
            ["CosmosDb:Endpoint"] = "http://127.0.0.1:8081/",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        };
        switch (setup)
        {
            case "metadata": values["Auth:MetadataAddress"] = "https://login.example.test/.well-known/openid-configuration"; break;
            case "no-key": values.Remove("Auth:SigningKey"); break;
            case "real-cosmos": values.Remove("CosmosDb:Emulator"); break;
            case "remote-cosmos": values["CosmosDb:Endpoint"] = "https://agora.documents.azure.com:443/"; break;
            case "real-storage": values["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=https;AccountName=agora;AccountKey=a2V5;EndpointSuffix=core.windows.net"; break;
            case "storage-account-name": values.Remove("AzureWebJobsStorage"); values["AzureWebJobsStorage:accountName"] = "agora"; break;
            case "azurite-ports": values["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:50001/devstoreaccount1;QueueEndpoint=http://127.0.0.1:50002/devstoreaccount1"; break;
        }

        Assert.Equal(mapped, DevTokens.IsLocalDevelopment(new ConfigurationBuilder().AddInMemoryCollection(values).Build()));
    }
}
