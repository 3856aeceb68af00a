using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Agora.Core.Common;
using Agora.Functions.Worker;
using Agora.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agora.Functions.Tests;

/// <summary>The middleware the real Functions host runs (<see cref="AgoraWorkerMiddleware"/>), executed as the worker calls
/// it: a FunctionContext carrying the ASP.NET Core HttpContext (as the worker's ASP.NET Core integration puts it in
/// Items) and the worker's bindings feature holding the invocation result. `func` cannot run here, so the context is built
/// by hand from the worker's own contracts; the services are the backend's, so authentication is the real one.</summary>
[Collection(BackendCollection.Name)]
public sealed class WorkerMiddlewareTests(BackendFixture backend)
{
    private const string GetOrganization = "Agora.Functions.Features.OrganizationFunctions.GetOrganization";

    [Fact]
    public async Task Without_a_token_the_function_never_runs_and_the_result_is_a_401_problem()
    {
        var context = Context(GetOrganization, token: null);
        var ran = false;

        await new AgoraWorkerMiddleware(NullLogger<AgoraWorkerMiddleware>.Instance).Invoke(context, _ =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        Assert.False(ran);
        Assert.Equal(401, Assert.IsType<JsonResult>(context.Result).StatusCode);
    }

    [Fact]
    public async Task With_a_token_the_function_sees_its_caller_and_a_domain_failure_becomes_its_problem()
    {
        var context = Context(GetOrganization, TestTokens.For("wm-user", "wm-user@test.example"));
        Caller? seen = null;

        await new AgoraWorkerMiddleware(NullLogger<AgoraWorkerMiddleware>.Instance).Invoke(context, c =>
        {
            seen = c.GetHttpContext()!.Features.Get<Caller>();
            throw DomainException.NotFound("Organization", "nowhere");
        });

        Assert.Equal("wm-user", seen?.UserId);
        var problem = Assert.IsType<JsonResult>(context.Result);
        Assert.Equal(404, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.ContentType);
    }

    [Fact]
    public async Task A_result_the_function_returns_is_kept_and_a_non_http_trigger_just_runs()
    {
        var http = Context(GetOrganization, TestTokens.For("wm-user", "wm-user@test.example"));
        var queue = Context("Agora.Functions.Features.NotificationFunctions.SendNotification", token: null, withHttp: false);
        var queueRan = false;
        var middleware = new AgoraWorkerMiddleware(NullLogger<AgoraWorkerMiddleware>.Instance);

        await middleware.Invoke(http, c =>
        {
            ((TestContext)c).Result = new JsonResult(new { ok = true }) { StatusCode = 200 };
            return Task.CompletedTask;
        });
        await middleware.Invoke(queue, _ =>
        {
            queueRan = true;
            return Task.CompletedTask;
        });

        Assert.Equal(200, Assert.IsType<JsonResult>(http.Result).StatusCode);
        Assert.True(queueRan);
    }

    private TestContext Context(string entryPoint, string? token, bool withHttp = true)
    {
        var context = new TestContext(backend.Backend.Services, entryPoint);
        if (withHttp)
        {
            var http = new DefaultHttpContext { RequestServices = backend.Backend.Services };
            http.Request.Method = "GET";
            http.Request.Path = "/api/orgs/nowhere";
            if (token is not null)
            {
                http.Request.Headers.Authorization = $"Bearer {token}";
            }

            context.Items["HttpRequestContext"] = http; // where the worker's ASP.NET Core integration keeps it
        }

        return context;
    }

    /// <summary>A FunctionContext as the worker makes one, with its bindings feature (an internal interface of the worker,
    /// implemented through DispatchProxy, so GetInvocationResult reads and writes what the worker would).</summary>
    private sealed class TestContext : FunctionContext
    {
        private readonly Features _features = new();
        private readonly BindingsProxy _bindings;

        public TestContext(IServiceProvider services, string entryPoint)
        {
            InstanceServices = services.CreateScope().ServiceProvider;
            FunctionDefinition = new Definition(entryPoint);
            var feature = typeof(FunctionContext).Assembly.GetType("Microsoft.Azure.Functions.Worker.Context.Features.IFunctionBindingsFeature", throwOnError: true)!;
            var proxy = DispatchProxy.Create(feature, typeof(BindingsProxy));
            _bindings = (BindingsProxy)proxy;
            _features.Set(feature, proxy);
        }

        public object? Result
        {
            get => _bindings.InvocationResult;
            set => _bindings.InvocationResult = value;
        }

        public override string InvocationId { get; } = Guid.NewGuid().ToString();

        public override string FunctionId => FunctionDefinition.Id;

        public override TraceContext TraceContext => null!;

        public override BindingContext BindingContext => null!;

        public override RetryContext RetryContext => null!;

        public override IServiceProvider InstanceServices { get; set; }

        public override FunctionDefinition FunctionDefinition { get; }

        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

        public override IInvocationFeatures Features => _features;
    }

    public class BindingsProxy : DispatchProxy
    {
        public object? InvocationResult { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            "get_InvocationResult" => InvocationResult,
            "set_InvocationResult" => InvocationResult = args![0],
            "get_InputData" or "get_TriggerMetadata" => new Dictionary<string, object?>(),
            "get_OutputBindingData" => new Dictionary<string, object?>(),
            _ => null,
        };
    }

    private sealed class Features : IInvocationFeatures
    {
        private readonly Dictionary<Type, object> _items = [];

        public void Set(Type type, object value) => _items[type] = value;

        public void Set<T>(T instance) => _items[typeof(T)] = instance!;

        public T? Get<T>() => _items.TryGetValue(typeof(T), out var value) ? (T)value : default;

        public IEnumerator<KeyValuePair<Type, object>> GetEnumerator() => _items.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class Definition(string entryPoint) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];

        public override string PathToAssembly => typeof(AgoraWorkerMiddleware).Assembly.Location;

        public override string EntryPoint => entryPoint;

        public override string Id => entryPoint;

        public override string Name => entryPoint.Split('.')[^1];

        public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;

        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }
}
