from pregon.cli import main

main()
