print("trackmycrime")
