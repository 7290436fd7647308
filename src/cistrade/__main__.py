from cistrade.cli import main

main()
