// Service Bus: the topic integration events for customers' ERPs are published to (DESIGN.md section 6), with duplicate
// detection on (the publisher sets MessageId to the event id, so an outbox that publishes an event twice delivers it
// once), and one subscription that receives every event. SAS keys are off: the app sends with its managed identity.

param location string
param tags object
param namespaceName string

@description('The integration-events topic (ServiceBusOptions.Topic).')
param topicName string

@description('The subscription the ERP integration reads.')
param subscriptionName string

@description('Principal id of the app\'s managed identity.')
param principalId string

@description('How long the topic remembers message ids to drop duplicates. An outbox retries until its next write or the nightly run: one day covers it.')
param duplicateDetectionWindow string = 'P1D'

// Azure Service Bus Data Sender, on the topic only: the app publishes and never reads.
var dataSenderRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '69a216fc-b8fb-44d8-bc22-1f3c2552ae39')

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' } // topics need Standard or Premium
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    defaultMessageTimeToLive: 'P14D'
    enableBatchedOperations: true
    supportOrdering: true
  }
}

resource subscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: topic
  name: subscriptionName
  properties: {
    maxDeliveryCount: 10
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P14D'
    deadLetteringOnMessageExpiration: true
    deadLetteringOnFilterEvaluationExceptions: true
  }
}

resource dataSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, principalId, dataSenderRole)
  scope: topic
  properties: {
    roleDefinitionId: dataSenderRole
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output topicName string = topic.name
output subscriptionName string = subscription.name
