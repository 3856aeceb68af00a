// Cosmos DB for NoSQL: the account (serverless, or provisioned with autoscale), the database, the containers the code
// uses (Agora.Infrastructure/Cosmos/Containers.cs) and the app's data-plane role. Keys are off (disableLocalAuth): the
// app signs in with its managed identity.

param location string
param tags object
param accountName string
param databaseName string

@description('Containers the code uses (Containers.All). Every one is partitioned on partitionKeyPath.')
param containerNames string[]

@description('The partition key path of every container (Containers.PartitionKeyPath).')
param partitionKeyPath string

@description('serverless: pay per request, one region (the default). autoscale: provisioned throughput shared by the database\'s containers, scaling between 10% and 100% of autoscaleMaxThroughput.')
@allowed(['serverless', 'autoscale'])
param throughputMode string = 'serverless'

@description('Highest RU/s of the database when throughputMode is autoscale (1000 to 1000000, in steps of 1000).')
@minValue(1000)
@maxValue(1000000)
param autoscaleMaxThroughput int = 1000

@description('Principal id of the app\'s managed identity.')
param principalId string

// Every item is { id, pk, type, sortKey?, data, index?, ttl? } (docs/architecture.md, "Data"). Queries filter on pk, type,
// sortKey, data.status, data.sku, data.category, data.priceListId (a quote's prices) and the derived index.* values, and
// order by sortKey; nothing else.
// So the policy indexes only those paths (id and _ts are always indexed) and excludes the rest: product descriptions
// and attributes, organizations' members, invitations and outboxes, import jobs' rejected rows, stored responses. A
// write then costs RUs for a handful of index terms instead of every property of the document. A query on a path not
// listed here scans the partition; ProvisionedResourcesTests fails when the code queries a path this policy does not index.
var indexingPolicy = {
  indexingMode: 'consistent'
  automatic: true
  includedPaths: [
    { path: '/pk/?' }
    { path: '/type/?' }
    { path: '/sortKey/?' }
    { path: '/data/status/?' }
    { path: '/data/sku/?' }
    { path: '/data/category/?' }
    { path: '/data/priceListId/?' }
    { path: '/index/*' }
  ]
  excludedPaths: [
    { path: '/*' }
    { path: '/"_etag"/?' }
  ]
}

// Cosmos DB Built-in Data Contributor: read, write, query and delete items; no control-plane rights (the containers
// are created here, not by the app).
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      { locationName: location, failoverPriority: 0, isZoneRedundant: false }
    ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    capabilities: throughputMode == 'serverless' ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
    options: throughputMode == 'autoscale' ? { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } } : {}
  }
}

resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for name in containerNames: {
    parent: database
    name: name
    properties: {
      resource: {
        id: name
        partitionKey: { paths: [partitionKeyPath], kind: 'Hash', version: 2 }
        // On, without expiring anything by itself: items that carry a ttl (stored responses, delivery records) expire.
        defaultTtl: -1
        indexingPolicy: indexingPolicy
      }
    }
  }
]

resource dataContributorDefinition 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-11-15' existing = {
  parent: account
  name: dataContributorRoleId
}

// Scoped to the database, not the account.
resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(database.id, principalId, dataContributorDefinition.id)
  properties: {
    roleDefinitionId: dataContributorDefinition.id
    principalId: principalId
    scope: '${account.id}/dbs/${database.name}'
  }
}

output endpoint string = account.properties.documentEndpoint
output accountName string = account.name
output databaseName string = database.name
