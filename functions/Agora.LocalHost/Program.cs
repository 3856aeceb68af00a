Console.WriteLine("Agora local runtime");
