from .cli import main

if __name__ == "__main__":  # not in a process spawned to build (workers.Resident)
    main()
