// The storage account: the Functions host's own storage (AzureWebJobsStorage), the Flex deployment container, the
// blob containers and queues the code uses, and the Event Grid system topic that announces new import files.
// Shared keys are off: everything, the host included, reaches it with the app's managed identity.

param location string
param tags object
param name string

@description('The Flex Consumption deployment package container.')
param deploymentContainerName string

@description('Blob containers the code uses (StorageNames.BlobContainers).')
param blobContainers string[]

@description('Queues the code uses (StorageNames.Queues). The host creates the -poison ones itself.')
param queues string[]

@description('Name of the Event Grid system topic on this account (blob-created events for the import trigger).')
param systemTopicName string

@description('Principal id of the app\'s managed identity.')
param principalId string

@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param skuName string = 'Standard_LRS'

// Storage Blob Data Owner: the host keeps timer status, blob receipts and keys in blobs and creates its containers;
// the app reads imports and writes results and reports. Storage Queue Data Contributor: queue triggers and senders,
// and the host's -poison queues.
var blobDataOwnerRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
var queueDataContributorRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '974c5e8b-45b9-4653-ba55-5f855dd0fb88')

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: skuName }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: 7 }
    containerDeleteRetentionPolicy: { enabled: true, days: 7 }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [
  for container in blobContainers: {
    parent: blobService
    name: container
    properties: { publicAccess: 'None' }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource storageQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [
  for queue in queues: {
    parent: queueService
    name: queue
  }
]

// Flex Consumption supports only the Event Grid source for blob triggers: the topic is here, its subscription to the
// function's blob extension webhook is created after the code is deployed (infra/hooks/postdeploy.sh), because the
// webhook's key exists only once the host has started with the blob trigger.
resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, blobDataOwnerRole)
  scope: storage
  properties: {
    roleDefinitionId: blobDataOwnerRole
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, queueDataContributorRole)
  scope: storage
  properties: {
    roleDefinitionId: queueDataContributorRole
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = storage.name
output deploymentContainerName string = deploymentContainer.name
output systemTopicName string = systemTopic.name
