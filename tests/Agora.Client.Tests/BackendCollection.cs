using Agora.Testing;

namespace Agora.Client.Tests;

/// <summary>The generated client's tests share one backend and run one at a time, as the other end-to-end tests do.</summary>
[CollectionDefinition(Name)]
public sealed class BackendCollection : ICollectionFixture<BackendFixture>
{
    public const string Name = "backend";
}
