using System.Globalization;
using System.Net;
using Agora.Core.Common;
using Agora.Core.Marketing;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Sales-manager tasks in their supplier's partition of <c>organizations</c> (id <c>task:{id}</c>), listed per
/// assignee by the indexed <c>index.*</c> fields, soonest first (sortKey = the time it needs attention, then the id); and one
/// binding per kind and subject (id <c>taskFor:{kind}:{subject}</c>) naming the task last raised for it. A task is ~1 KB
/// plus its notes (at most 100 of 4,000 characters: under 1 MB); a supplier raising 1,000 tasks a day keeps ~0.4 GB a year
/// there, far from the 20 GB of a logical partition (past it: tasks move to a partition per supplier and year).</summary>
public sealed class CosmosSalesTaskStore(CosmosContainers cosmos) : ISalesTaskStore
{
    private const string Type = "salesTask";
    private const string BindingType = "salesTaskBinding";

    private Container Container => cosmos.Get(Containers.Organizations);

    public async Task<Versioned<SalesTask>?> FindAsync(string supplierId, string taskId, CancellationToken cancellationToken)
    {
        var document = await CosmosContainers.ReadAsync<SalesTask>(Container, Id(taskId), supplierId, cancellationToken).ConfigureAwait(false);
        return document is null ? null : new Versioned<SalesTask>(document.Data, document.ETag!);
    }

    public async Task<Versioned<SalesTask>> CreateAsync(SalesTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var etag = await CosmosContainers.CreateAsync(Container, Document(task), $"Task '{task.Id}' exists already.", cancellationToken).ConfigureAwait(false);
        return new Versioned<SalesTask>(task, etag);
    }

    public async Task<Versioned<SalesTask>> ReplaceAsync(SalesTask task, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var etag = await CosmosContainers.ReplaceAsync(Container, Document(task), ifMatch, "The sales task", cancellationToken).ConfigureAwait(false);
        return new Versioned<SalesTask>(task, etag);
    }

    public Task<Page<SalesTask>> ListAsync(string supplierId, SalesTaskFilter filter, string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var parameters = new Dictionary<string, object> { ["@now"] = filter.Now.ToUnixTimeMilliseconds() };
        var names = filter.Assignees.Select((a, i) => (Name: $"@a{i}", Value: a)).ToArray();
        foreach (var (name, value) in names)
        {
            parameters[name] = value;
        }

        var clauses = new List<string> { $"c.index.assignee IN ({string.Join(", ", names.Select(n => n.Name))})" };
        clauses.Add(filter.Status switch
        {
            null => "c.index.state IN ('open', 'snoozed')",
            SalesTaskStatus.Open => "(c.index.state = 'open' OR (c.index.state = 'snoozed' AND c.index.wakesMs <= @now))",
            SalesTaskStatus.Snoozed => "c.index.state = 'snoozed' AND c.index.wakesMs > @now",
            _ => "c.index.state = 'done'",
        });
        if (filter.WakesBefore is { } before)
        {
            clauses.Add("c.index.wakesMs < @before");
            parameters["@before"] = before.ToUnixTimeMilliseconds();
        }

        if (filter.BuyerId is { } buyer)
        {
            clauses.Add("c.index.buyerId = @buyer");
            parameters["@buyer"] = buyer;
        }

        return CosmosContainers.PageAsync<SalesTask>(Container, supplierId, Type, after, limit, string.Join(" AND ", clauses), parameters, cancellationToken);
    }

    public async Task<Versioned<string>?> FindBindingAsync(string supplierId, SalesTaskKind kind, string subjectId, CancellationToken cancellationToken)
    {
        var document = await CosmosContainers.ReadAsync<string>(Container, BindingId(kind, subjectId), supplierId, cancellationToken).ConfigureAwait(false);
        return document is null ? null : new Versioned<string>(document.Data, document.ETag!);
    }

    public async Task<bool> BindAsync(string supplierId, SalesTaskKind kind, string subjectId, string taskId, string? ifMatch, CancellationToken cancellationToken)
    {
        var document = new Document<string> { Id = BindingId(kind, subjectId), Pk = supplierId, Type = BindingType, Data = taskId };
        try
        {
            if (ifMatch is null)
            {
                await Container.CreateItemAsync(document, new PartitionKey(supplierId), NoContent, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Container.ReplaceItemAsync(document, document.Id, new PartitionKey(supplierId), new ItemRequestOptions { IfMatchEtag = ifMatch, EnableContentResponseOnWrite = false },
                    cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static string Id(string taskId) => $"task:{taskId}";

    private static string BindingId(SalesTaskKind kind, string subjectId) => $"taskFor:{kind}:{subjectId}";

    private static Document<SalesTask> Document(SalesTask task) => new()
    {
        Id = Id(task.Id),
        Pk = task.SupplierId,
        Type = Type,
        SortKey = $"{task.WakesAt.ToUnixTimeMilliseconds().ToString("D13", CultureInfo.InvariantCulture)}.{task.Id}",
        Data = task,
        Index = new Dictionary<string, object?>
        {
            ["assignee"] = task.AssigneeKey,
            ["state"] = task.Status switch { SalesTaskStatus.Open => "open", SalesTaskStatus.Snoozed => "snoozed", _ => "done" },
            ["wakesMs"] = task.WakesAt.ToUnixTimeMilliseconds(),
            ["buyerId"] = task.BuyerId,
        },
    };

    private static readonly ItemRequestOptions NoContent = new() { EnableContentResponseOnWrite = false };
}

/// <summary>Sign-in marks in <c>requests</c> (pk = id <c>login:{user}:{hour}</c>), kept two hours: one point read on every
/// call of the hour after the first, one create on the first.</summary>
public sealed class CosmosLoginMarks(CosmosContainers cosmos) : ILoginMarks
{
    private const string Type = "loginMark";
    private const int KeepSeconds = 2 * 3600;

    public async Task<bool> FirstInHourAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var id = $"login:{userId}:{at.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture)}";
        var container = cosmos.Get(Containers.Requests);
        if (!CosmosContainers.CanName(id) || await CosmosContainers.ReadAsync<DateTimeOffset>(container, id, id, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        try
        {
            await container.CreateItemAsync(new Document<DateTimeOffset> { Id = id, Pk = id, Type = Type, Data = at, Ttl = KeepSeconds }, new PartitionKey(id),
                new ItemRequestOptions { EnableContentResponseOnWrite = false }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }
}
